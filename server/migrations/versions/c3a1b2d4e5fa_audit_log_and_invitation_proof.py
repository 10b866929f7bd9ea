"""audit log; invitations: revoked_at and needs_phone (a deputy invitation that
only the deputy's WeChat-verified phone may accept)

Revision ID: c3a1b2d4e5fa
Revises: c3a1b2d4e5f8
Create Date: 2026-12-01 21:33:17.199852

"""
from alembic import op
import sqlalchemy as sa
import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e5fa'
down_revision = 'c3a1b2d4e5f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', liaison.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_audit_log_region_id_regions')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_audit_log_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_station_id'), ['station_id'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', liaison.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('needs_phone', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('needs_phone')
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_station_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_region_id'))

    op.drop_table('audit_log')
