"""check-ins prove presence: station coordinates, check-in location and verification

Revision ID: c3a1b2d4e5f8
Revises: c3a1b2d4e5f9
Create Date: 2026-12-01 10:00:00.000000

Existing check-ins: those staff recorded stay counted (verified); scans made before
this revision carry no location, so they become unverified ("no_location") and wait
for staff to confirm them, like any scan sent without a location from now on.
"""
from alembic import op
import sqlalchemy as sa
import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e5f8'
down_revision = 'c3a1b2d4e5f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))

    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('distance_m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verified', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('unverified_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', liaison.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_check_ins_confirmed_by_id_users'), 'users',
                                    ['confirmed_by_id'], ['id'])

    check_ins = sa.table('check_ins', sa.column('source', sa.String), sa.column('verified', sa.Boolean),
                         sa.column('unverified_reason', sa.String))
    op.execute(check_ins.update().where(check_ins.c.source != 'scan').values(verified=True))
    op.execute(check_ins.update().where(check_ins.c.source == 'scan').values(unverified_reason='no_location'))


def downgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_check_ins_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('unverified_reason')
        batch_op.drop_column('verified')
        batch_op.drop_column('distance_m')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
