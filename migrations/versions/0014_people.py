"""people: erased addresses kept as keyed digests; editors an admin allows to manage people

Revision ID: 0014_people
Revises: 0012_second_factors
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from campaign.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014_people'
down_revision = '0012_second_factors'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erased_addresses',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('erased_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_erased_addresses'))
    )
    # Nobody but admins may until an admin says so.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_manage_people', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('may_manage_people')
    op.drop_table('erased_addresses')
