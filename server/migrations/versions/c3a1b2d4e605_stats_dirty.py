"""stats_dirty: the summary rows a change made stale, recounted right after its commit

Revision ID: c3a1b2d4e605
Revises: c3a1b2d4e604
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e605'
down_revision = 'c3a1b2d4e604'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stats_dirty',
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('key', sa.Integer(), nullable=False),
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.PrimaryKeyConstraint('kind', 'key', 'month', name=op.f('pk_stats_dirty')))


def downgrade():
    op.drop_table('stats_dirty')
