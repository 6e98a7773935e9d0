"""organiser sessions: each sign-in a row, ended on its own; the device it came from, hashed

Revision ID: 0017_organiser_sessions
Revises: 0016_passkeys
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017_organiser_sessions'
down_revision = '0016_passkeys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organiser_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=64), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organiser_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_organiser_sessions_token_hash'))
    )
    with op.batch_alter_table('organiser_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_sessions_device_hash'), ['device_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_organiser_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organiser_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_organiser_sessions_device_hash'))
    op.drop_table('organiser_sessions')
