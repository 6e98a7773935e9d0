"""passkeys: organisers' passkeys and security keys (WebAuthn public keys) and open challenges

Revision ID: 0016_passkeys
Revises: 0015_retention
Create Date: 2026-12-04 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime  # noqa: F401  (our column types, used by autogenerate)


# revision identifiers, used by Alembic.
revision = '0016_passkeys'
down_revision = '0015_retention'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('passkey_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('challenge', sa.String(length=128), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_passkey_challenges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkey_challenges'))
    )
    with op.batch_alter_table('passkey_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_challenges_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_passkey_challenges_user_id'), ['user_id'], unique=False)

    op.create_table('passkeys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('factor_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=1400), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.BigInteger(), nullable=False),
    sa.Column('transports', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['factor_id'], ['second_factors.id'], name=op.f('fk_passkeys_factor_id_second_factors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passkeys_credential_id')),
    sa.UniqueConstraint('factor_id', name=op.f('uq_passkeys_factor_id'))
    )


def downgrade():
    op.drop_table('passkeys')
    with op.batch_alter_table('passkey_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkey_challenges_user_id'))
        batch_op.drop_index(batch_op.f('ix_passkey_challenges_expires_at'))

    op.drop_table('passkey_challenges')
