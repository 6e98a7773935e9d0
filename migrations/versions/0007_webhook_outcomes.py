"""webhook events: what became of each (processed, unusable, failed) and why

Revision ID: 0007_webhook_outcomes
Revises: 0006_mail_claims
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_webhook_outcomes'
down_revision = '0006_mail_claims'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        # Every event recorded so far was applied: that was the only outcome.
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), server_default='processed', nullable=False))
        batch_op.add_column(sa.Column('reason', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('outcome')
