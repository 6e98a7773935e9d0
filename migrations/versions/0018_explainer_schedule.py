"""explainer schedule: a time at which the sweep publishes a scheduled explainer

Revision ID: 0018_explainer_schedule
Revises: 0017_organiser_sessions
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0018_explainer_schedule'
down_revision = '0017_organiser_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('explainers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publish_at', UTCDateTime(), nullable=True))


def downgrade():
    # A scheduled explainer was never public: the older code knows it as a draft.
    op.execute(
        "UPDATE explainers SET status = 'draft' WHERE status = 'scheduled'"
    )
    with op.batch_alter_table('explainers', schema=None) as batch_op:
        batch_op.drop_column('publish_at')
