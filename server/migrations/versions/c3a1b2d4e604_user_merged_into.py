"""users.merged_into_id: a user found to be the same person as another was merged into it

Revision ID: c3a1b2d4e604
Revises: c3a1b2d4e603
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e604'
down_revision = 'c3a1b2d4e603'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_merged_into_id_users'), 'users',
                                    ['merged_into_id'], ['id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_merged_into_id_users'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
