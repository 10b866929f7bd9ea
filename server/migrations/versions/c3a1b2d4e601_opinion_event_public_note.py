"""opinion_events.public_note: what staff wrote for the resident, apart from the internal note

Revision ID: c3a1b2d4e601
Revises: c3a1b2d4e5fd
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e601'
down_revision = 'c3a1b2d4e5fd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opinion_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_note', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('opinion_events', schema=None) as batch_op:
        batch_op.drop_column('public_note')
