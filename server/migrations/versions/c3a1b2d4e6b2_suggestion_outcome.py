"""suggestions: state and what became of them (the handling unit's answer, who wrote it down)

Revision ID: c3a1b2d4e6b2
Revises: c3a1b2d4e6b1
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa

import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e6b2'
down_revision = 'c3a1b2d4e6b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='filed', nullable=False))
        batch_op.add_column(sa.Column('unit_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('outcome', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('answered_at', liaison.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_suggestions_answered_by_id_users'), 'users',
                                    ['answered_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_suggestions_answered_by_id_users'), type_='foreignkey')
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('outcome')
        batch_op.drop_column('unit_name')
        batch_op.drop_column('state')
