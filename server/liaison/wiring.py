"""Connect each package's receivers to the events of the packages below it
(``core.events``). The composition root is the one place that knows both sides; the
sender never imports the package that answers.
"""
from __future__ import annotations

from .codes.operations import ensure_codes
from .codes.resolve import active_tokens
from .insight import routing
from .insight.report import region_section
from .notifications import outbox
from .opinions import operations as opinion_operations, suggestions, unit_merge
from .places import importer, serialize, unit_ops
from .reception.serialize import station_days
from .stats import queries as stats_queries
from .stats.sections import region_sections
from .users.roles import move_unit_roles


def _codes_for_import() -> None:
    ensure_codes(commit=False)  # inside the import's transaction


def _unit_roles(source_id: int, target_id: int, actor) -> dict[str, int]:
    return {"roles": move_unit_roles(source_id, target_id, actor=actor)}


def connect_events() -> None:
    importer.imported.connect(_codes_for_import)
    serialize.code_tokens.connect(active_tokens)
    serialize.station_shown.connect(station_days)
    unit_ops.unit_merge_check.connect(unit_merge.refuse_double_assigned)
    unit_ops.units_merging.connect(unit_merge.move_assignments)
    unit_ops.units_merging.connect(_unit_roles)
    opinion_operations.notify.connect(outbox.emit)
    opinion_operations.notify_prepare.connect(outbox.prepare)
    opinion_operations.notified.connect(outbox.kick)
    opinion_operations.decided.connect(routing.record_choice)
    stats_queries.report_fields.connect(routing.report_fields)
    region_sections.connect(region_section)
    region_sections.connect(routing.region_section)
    suggestions.answered.connect(outbox.emit_direct)
