"""outbox claims name their holder and carry a lease

Revision ID: 0006_mail_claims
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000

"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0006_mail_claims'
down_revision = '0005'
branch_labels = None
depends_on = None

# The requeue window of the code before this revision.
OLD_STALE_CLAIM = timedelta(minutes=10)


def upgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('handed_over_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('possible_duplicate', sa.Text(), nullable=True))

    # Rows a dispatcher of the old code holds right now: it renews no lease, so give it the old
    # window; and it recorded no hand-over, so any of them may have been sent already.
    outbox = sa.table(
        'outbound_emails',
        sa.column('id', sa.Integer()),
        sa.column('status', sa.String()),
        sa.column('claimed_at', UTCDateTime()),
        sa.column('lease_expires_at', UTCDateTime()),
        sa.column('handed_over_at', UTCDateTime()),
    )
    connection = op.get_bind()
    held = connection.execute(
        sa.select(outbox.c.id, outbox.c.claimed_at).where(outbox.c.status == 'sending')
    ).all()
    for row_id, claimed_at in held:
        claimed_at = claimed_at or datetime.now(UTC)
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row_id)
            .values(
                lease_expires_at=claimed_at + OLD_STALE_CLAIM,
                handed_over_at=claimed_at,
            )
        )


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_column('possible_duplicate')
        batch_op.drop_column('handed_over_at')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('claimed_by')
