"""content security: mini-program activity, photo checks (mediaCheckAsync), rating comment check

Revision ID: c3a1b2d4e5fd
Revises: c3a1b2d4e5fa
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa
import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e5fd'
down_revision = 'c3a1b2d4e5fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mp_active_at', liaison.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_sec_check', sa.String(length=10), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_opinions_rating_sec_check'), ['rating_sec_check'],
                              unique=False)
    with op.batch_alter_table('opinion_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sec_check', sa.String(length=10), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('sec_trace_id', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('sec_requested_at', liaison.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_opinion_photos_sec_check'), ['sec_check'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_photos_sec_trace_id'), ['sec_trace_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('opinion_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_photos_sec_trace_id'))
        batch_op.drop_index(batch_op.f('ix_opinion_photos_sec_check'))
        batch_op.drop_column('sec_requested_at')
        batch_op.drop_column('sec_trace_id')
        batch_op.drop_column('sec_check')
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinions_rating_sec_check'))
        batch_op.drop_column('rating_sec_check')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mp_active_at')
