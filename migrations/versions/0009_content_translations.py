"""content translations: a campaign's, petition's or appeal's words in another language

Revision ID: 0009_content_translations
Revises: 0008_languages
Create Date: 2026-12-03 19:55:00.000000

"""
from alembic import op
import sqlalchemy as sa

from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0009_content_translations'
down_revision = '0008_languages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'record_id', 'language'),
    )


def downgrade():
    op.drop_table('content_translations')
