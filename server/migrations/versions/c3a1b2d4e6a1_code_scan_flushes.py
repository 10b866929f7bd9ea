"""code_scan_flushes: the batches of scan counts moved from Redis (each added once)

Revision ID: c3a1b2d4e6a1
Revises: c3a1b2d4e605
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e6a1'
down_revision = 'c3a1b2d4e605'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'code_scan_flushes',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('flushed_at', liaison.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code_scan_flushes')),
    )
    with op.batch_alter_table('code_scan_flushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_scan_flushes_flushed_at'), ['flushed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('code_scan_flushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_scan_flushes_flushed_at'))
    op.drop_table('code_scan_flushes')
