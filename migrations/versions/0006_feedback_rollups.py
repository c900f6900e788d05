"""feedback roll-ups and period indexes for the dashboard

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 22:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, period in (('feedback_days', 'day'), ('feedback_months', 'month')):
        op.create_table(table,
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('card', sa.String(length=80), nullable=False),
        sa.Column('helpful', sa.Integer(), nullable=False),
        sa.Column('unhelpful', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(period, 'language', 'channel', 'card')
        )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_created_at'))
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_created_at'))
    op.drop_table('feedback_months')
    op.drop_table('feedback_days')
