"""retention: when a petition's signatures were anonymised, when an email's words were removed

Revision ID: 0015_retention
Revises: 0014_people
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0015_retention'
down_revision = '0014_people'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures_anonymised_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_purged_at', UTCDateTime(), nullable=True))
        batch_op.create_index(
            'ix_outbound_emails_body_kept', ['body_purged_at', 'created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_emails_body_kept')
        batch_op.drop_column('body_purged_at')

    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('signatures_anonymised_at')
