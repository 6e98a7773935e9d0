"""update translations: an update's original has a language, and other languages their version

Revision ID: 0010_update_translations
Revises: 0009_content_translations
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime  # noqa: F401  (our column types, used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0010_update_translations'
down_revision = '0009_content_translations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), server_default='en', nullable=False))
    # Until now an update was written in its campaign's language (the whole site's: English).
    op.execute(
        "UPDATE updates SET language = (SELECT campaigns.language FROM campaigns"
        " WHERE campaigns.id = updates.campaign_id) WHERE campaign_id IS NOT NULL"
    )

    op.create_table('update_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('preheader', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_update_translations_update_id_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_translations')),
    sa.UniqueConstraint('update_id', 'language', name=op.f('uq_update_translations_update_id_language'))
    )


def downgrade():
    op.drop_table('update_translations')
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.drop_column('language')
