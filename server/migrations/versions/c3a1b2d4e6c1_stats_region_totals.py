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
    # The totals of the station rows already built (every active station under each
    # region), summed here in one pass: a join on path prefixes takes minutes on SQLite.
    conn = op.get_bind()
    paths = dict(conn.execute(sa.text("SELECT id, path FROM regions")).all())
    above = {sid: [int(p) for p in paths[rid].strip("/").split("/") if p] for sid, rid in conn.execute(
        sa.text("SELECT id, region_id FROM stations WHERE active")).all() if rid in paths}
    sums = {}
    for station_id, month, *values in conn.execute(sa.text(
            f"SELECT station_id, month, {', '.join(FIELDS)} FROM stats_station_months")):
        for region_id in above.get(station_id, ()):
            acc = sums.setdefault((region_id, month), [0] * len(FIELDS))
            for i, v in enumerate(values):
                acc[i] += v or 0
    rows = [{"region_id": r, "month": m, **dict(zip(FIELDS, v))} for (r, m), v in sums.items() if any(v)]
    table = sa.table("stats_region_totals", sa.column("region_id"), sa.column("month"),
                     *[sa.column(f) for f in FIELDS])
    for i in range(0, len(rows), 5000):
        op.bulk_insert(table, rows[i:i + 5000])


def downgrade():
    op.drop_table('stats_region_totals')
