"""topic_runs, topics: recurring topics of a region's opinions per period (民意研判)

Revision ID: d7e1a9c3b201
Revises: c3a1b2d4e6b2
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'd7e1a9c3b201'
down_revision = 'c3a1b2d4e6b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'topic_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('first_month', sa.Date(), nullable=False),
        sa.Column('last_month', sa.Date(), nullable=False),
        sa.Column('opinions', sa.Integer(), nullable=False),
        sa.Column('unclustered', sa.Integer(), nullable=False),
        sa.Column('computed_at', liaison.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_topic_runs_region_id_regions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_runs')),
        sa.UniqueConstraint('region_id', 'first_month', 'last_month', name='uq_topic_runs_period'),
    )
    with op.batch_alter_table('topic_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_runs_region_id'), ['region_id'], unique=False)
    op.create_table(
        'topics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('keywords', sa.JSON(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('stations', sa.JSON(), nullable=False),
        sa.Column('trend', sa.JSON(), nullable=False),
        sa.Column('opinion_ids', sa.JSON(), nullable=False),
        sa.Column('examples', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['topic_runs.id'], name=op.f('fk_topics_run_id_topic_runs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_run_id'), ['run_id'], unique=False)


def downgrade():
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_run_id'))
    op.drop_table('topics')
    with op.batch_alter_table('topic_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_runs_region_id'))
    op.drop_table('topic_runs')
