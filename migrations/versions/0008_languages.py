"""languages: each signer and donor keeps the language of the page they acted on

Revision ID: 0008_languages
Revises: 0007_webhook_outcomes
Create Date: 2026-12-03 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_languages'
down_revision = '0007_webhook_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    # Everyone so far acted on an English page: the site had no other language.
    for table in ('signatures', 'donations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=16), server_default='en', nullable=False))


def downgrade():
    for table in ('donations', 'signatures'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
