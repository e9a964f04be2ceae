"""indexes PostgreSQL can order by: public threads, posts waiting

Revision ID: 7d2f9e4c1a85
Revises: 4b1e7c2a9d30
Create Date: 2026-11-25 03:10:00.000000

The listing indexes began with `deleted_at`: SQLite reads `deleted_at IS
NULL` as an equality and walks them in order, PostgreSQL does not and sorted
every public thread for each page. Partial indexes without the deleted
threads, starting with `approved`, give both engines the order; a partial
index finds the posts waiting for approval without reading the others.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2f9e4c1a85'
down_revision = '4b1e7c2a9d30'
branch_labels = None
depends_on = None

NOT_DELETED = {
    'sqlite_where': sa.text('deleted_at IS NULL'),
    'postgresql_where': sa.text('deleted_at IS NULL'),
}


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_listing')
        batch_op.drop_index('ix_threads_latest')
        batch_op.drop_index('ix_threads_country_listing')
        batch_op.drop_index('ix_threads_featured')
        batch_op.create_index('ix_threads_public_featured', ['approved', 'featured', 'last_activity_at'], unique=False, **NOT_DELETED)
        batch_op.create_index('ix_threads_public_latest', ['approved', 'last_activity_at', 'id'], unique=False, **NOT_DELETED)
        batch_op.create_index('ix_threads_public_pinned', ['approved', 'pinned', 'last_activity_at', 'id'], unique=False, **NOT_DELETED)
        batch_op.create_index('ix_threads_public_country', ['approved', 'country_code', 'pinned', 'last_activity_at', 'id'], unique=False, **NOT_DELETED)
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_waiting', ['thread_id'], unique=False, sqlite_where=sa.text('approved IS 0'), postgresql_where=sa.text('approved IS false'))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_waiting')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_public_country')
        batch_op.drop_index('ix_threads_public_pinned')
        batch_op.drop_index('ix_threads_public_latest')
        batch_op.drop_index('ix_threads_public_featured')
        batch_op.create_index('ix_threads_featured', ['featured', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_threads_country_listing', ['deleted_at', 'approved', 'country_code', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_threads_latest', ['deleted_at', 'approved', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_threads_listing', ['deleted_at', 'approved', 'pinned', 'last_activity_at'], unique=False)
