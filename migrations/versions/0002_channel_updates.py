"""channel updates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 17:04:56.056100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_updates',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('chat_key', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('channel', 'update_id')
    )
    with op.batch_alter_table('channel_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_updates_chat_key'), ['chat_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_updates_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('channel_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_updates_status'))
        batch_op.drop_index(batch_op.f('ix_channel_updates_chat_key'))

    op.drop_table('channel_updates')
