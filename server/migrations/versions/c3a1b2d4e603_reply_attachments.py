"""reply_attachments: images and PDFs a handling unit sends with its reply

Revision ID: c3a1b2d4e603
Revises: c3a1b2d4e601
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa
import liaison.core.db


# revision identifiers, used by Alembic.
revision = 'c3a1b2d4e603'
down_revision = 'c3a1b2d4e601'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', liaison.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_at', liaison.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                            name=op.f('fk_reply_attachments_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], name=op.f('fk_reply_attachments_opinion_id_opinions')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_reply_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_attachments'))
    )
    with op.batch_alter_table('reply_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_attachments_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_attachments_opinion_id'), ['opinion_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reply_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_attachments_opinion_id'))
        batch_op.drop_index(batch_op.f('ix_reply_attachments_assignment_id'))
    op.drop_table('reply_attachments')
