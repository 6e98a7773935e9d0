"""images: uploaded images, and campaigns' identity (tagline, accent, logo) and pages' heroes

Revision ID: 0020_images
Revises: 0019_petition_outcomes
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020_images'
down_revision = '0019_petition_outcomes'
branch_labels = None
depends_on = None

HEROES = ('campaigns', 'explainers', 'petitions', 'appeals')


def upgrade():
    op.create_table('images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('widths', sa.String(length=80), nullable=False),
    sa.Column('alt', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images')),
    sa.UniqueConstraint('key', name=op.f('uq_images_key'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tagline', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('accent_colour', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('logo_image_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_campaigns_logo_image_id'), ['logo_image_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_campaigns_logo_image_id_images'), 'images', ['logo_image_id'], ['id'], ondelete='SET NULL')
    for table in HEROES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('hero_image_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_hero_image_id'), ['hero_image_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_hero_image_id_images'), 'images', ['hero_image_id'], ['id'], ondelete='SET NULL')


def downgrade():
    for table in HEROES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_hero_image_id_images'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_hero_image_id'))
            batch_op.drop_column('hero_image_id')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaigns_logo_image_id_images'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_campaigns_logo_image_id'))
        batch_op.drop_column('logo_image_id')
        batch_op.drop_column('accent_colour')
        batch_op.drop_column('tagline')
    op.drop_table('images')
