"""``core.events``: a lower package's Event reaches the receivers ``create_app`` connected."""
from __future__ import annotations

import pytest

from liaison.core.events import Event


def test_receivers_answer_in_the_order_connected_and_once_each():
    event = Event("test.sent")
    heard = []

    def first(**kw):
        heard.append(("first", kw))
        return 1

    def second(**kw):
        heard.append(("second", kw))
        return 2

    event.connect(first)
    event.connect(second)
    event.connect(first)  # a second app wires the same receiver again
    assert event.send(day=3) == [1, 2]
    assert heard == [("first", {"day": 3}), ("second", {"day": 3})]


def test_a_refusing_receiver_stops_the_sending():
    event = Event("test.refused")
    later = []

    def refuse(**_):
        raise ValueError("no")

    event.connect(refuse)
    event.connect(lambda **_: later.append(True))
    with pytest.raises(ValueError):
        event.send()
    assert later == []


def test_create_app_wires_the_packages_above_to_the_events_below(app):
    from liaison.opinions import operations
    from liaison.places import importer, serialize, unit_ops

    for event in (operations.notify, operations.notified, importer.imported, serialize.code_tokens,
                  serialize.station_shown, unit_ops.unit_merge_check):
        assert event._receivers, event
    assert len(unit_ops.units_merging._receivers) == 2  # opinions' assignments, users' roles
