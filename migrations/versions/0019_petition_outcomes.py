"""petition outcomes: what happened after signing, and their emails to every signer

Deliveries may now be to a signature instead of a subscriber (exactly one of the two), and a
signature records when its signer stopped the petition's news.

Revision ID: 0019_petition_outcomes
Revises: 0018_explainer_schedule
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019_petition_outcomes'
down_revision = '0018_explainer_schedule'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('petition_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_outcomes_petition_id_petitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_petition_outcomes_update_id_updates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_outcomes'))
    )
    with op.batch_alter_table('petition_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_outcomes_petition_id'), ['petition_id'], unique=False)

    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('news_stopped_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature_id', sa.Integer(), nullable=True))
        batch_op.alter_column('subscriber_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_deliveries_signature_id'), ['signature_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_update_id_signature_id'), ['update_id', 'signature_id'])
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_signature_id_signatures'), 'signatures', ['signature_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_recipient', '(subscriber_id IS NULL) <> (signature_id IS NULL)')


def downgrade():
    # The older code knows deliveries to subscribers only: those to signatures go, and so do
    # the updates that were made of outcomes (their every row was to a signature).
    op.execute("DELETE FROM deliveries WHERE signature_id IS NOT NULL")
    op.execute("DELETE FROM updates WHERE audience_kind = 'signers'")
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_deliveries_one_recipient'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_deliveries_signature_id_signatures'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_deliveries_update_id_signature_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_deliveries_signature_id'))
        batch_op.alter_column('subscriber_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('signature_id')

    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_column('news_stopped_at')

    with op.batch_alter_table('petition_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_outcomes_petition_id'))
    op.drop_table('petition_outcomes')
