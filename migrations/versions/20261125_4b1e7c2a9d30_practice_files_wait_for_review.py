"""practice files wait for review

Revision ID: 4b1e7c2a9d30
Revises: 9ebadc51be30
Create Date: 2026-11-25 02:44:26.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b1e7c2a9d30'
down_revision = '9ebadc51be30'
branch_labels = None
depends_on = None


def upgrade():
    # Files already attached stay public: the server default fills them in.
    with op.batch_alter_table('practice_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('practice_attachments', schema=None) as batch_op:
        batch_op.drop_column('pending')
