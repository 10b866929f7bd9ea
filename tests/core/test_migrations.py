"""The migrations build exactly the schema the models describe (on SQLite and PostgreSQL)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_models_and_migrations_agree(app):
    from liaison.core.db import db

    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models changed without a migration: {diff}"
