"""stats_region_totals: each region's monthly counters summed over its subtree (the trend in one row a month)

Revision ID: c3a1b2d4e6c1
Revises: d7e1a9c3b201
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e6c1'
down_revision = 'd7e1a9c3b201'
branch_labels = None
depends_on = None

FIELDS = ('check_ins', 'check_ins_unplanned', 'active_days', 'receptions', 'residents', 'opinions_in', 'answered', 'closed', 'in_time', 'late', 'unresolved', 'ratings', 'satisfied', 'suggestions')


def upgrade():
    op.create_table('stats_region_totals',
                    sa.Column('region_id', sa.Integer(), nullable=False),
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.Column('check_ins', sa.Integer(), nullable=False),
                    sa.Column('check_ins_unplanned', sa.Integer(), nullable=False),
                    sa.Column('active_days', sa.Integer(), nullable=False),
                    sa.Column('receptions', sa.Integer(), nullable=False),
                    sa.Column('residents', sa.Integer(), nullable=False),
                    sa.Column('opinions_in', sa.Integer(), nullable=False),
                    sa.Column('answered', sa.Integer(), nullable=False),
                    sa.Column('closed', sa.Integer(), nullable=False),
                    sa.Column('in_time', sa.Integer(), nullable=False),
                    sa.Column('late', sa.Integer(), nullable=False),
                    sa.Column('unresolved', sa.Integer(), nullable=False),
                    sa.Column('ratings', sa.Integer(), nullable=False),
                    sa.Column('satisfied', sa.Integer(), nullable=False),
                    sa.Column('suggestions', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                            name=op.f('fk_stats_region_totals_region_id_regions')),
                    sa.PrimaryKeyConstraint('region_id', 'month', name=op.f('pk_stats_region_totals')))
    # The totals of the station rows already built (every active station under each region).
    sums = ", ".join(f"SUM(sm.{f})" for f in FIELDS)
    op.execute(f"INSERT INTO stats_region_totals (region_id, month, {', '.join(FIELDS)}) "
               f"SELECT r.id, sm.month, {sums} FROM regions r "
               "JOIN regions sub ON sub.path LIKE r.path || '%' "
               "JOIN stations s ON s.region_id = sub.id AND s.active "
               "JOIN stats_station_months sm ON sm.station_id = s.id "
               "GROUP BY r.id, sm.month")


def downgrade():
    op.drop_table('stats_region_totals')
