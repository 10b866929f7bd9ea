"""Check-ins made before locations were recorded: staff-recorded ones stay counted,
scans wait for staff to confirm them (migration c3a1b2d4e5f8, on its own SQLite file)."""
from __future__ import annotations

from sqlalchemy import text


def test_existing_scans_become_pending_and_staff_records_stay_verified(base_config, tmp_path):
    from flask_migrate import upgrade

    from liaison import create_app
    from liaison.core.db import db

    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="b86e791a7dc1")
        db.session.execute(text(
            "INSERT INTO regions (id, name, level, path) VALUES (1, '区', 'district', '/1/');"))
        db.session.execute(text(
            "INSERT INTO stations (id, region_id, name, kind, address, open_hours, master_name, phone,"
            " reception_plan, notice, active, created_at)"
            " VALUES (1, 1, '站', 'central', '', '', '', '', '{}', '', 1, '2025-01-01 00:00:00');"))
        db.session.execute(text(
            "INSERT INTO deputies (id, name, gender, levels, is_official, is_senior_official, work_unit, post,"
            " phone, email, active, created_at)"
            " VALUES (1, '王一', '', '[]', 0, 0, '', '', '', '', 1, '2025-01-01 00:00:00');"))
        for day, source in (("2025-03-15", "scan"), ("2025-03-16", "staff")):
            db.session.execute(text(
                "INSERT INTO check_ins (deputy_id, station_id, at, in_plan, source, day)"
                f" VALUES (1, 1, '{day} 02:00:00', 1, '{source}', '{day}')"))
        db.session.commit()
        upgrade()
        rows = db.session.execute(text(
            "SELECT source, verified, unverified_reason, latitude FROM check_ins ORDER BY day")).all()
        assert [tuple(r) for r in rows] == [("scan", 0, "no_location", None), ("staff", 1, None, None)]
        db.session.remove()
        db.engine.dispose()
