"""composite indexes on thread_message for the per-message queries of a large thread

is_resend looks up (thread_id, message_id_header) and latest_message_ids reads the
newest messages by (thread_id, sent_at, id). With only single-column indexes SQLite
(no ANALYZE) walked every message of the thread for each. ix_thread_message_thread_id
is a prefix of both new indexes, so it goes.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.create_index('ix_thread_message_thread_id_message_id_header',
                              ['thread_id', 'message_id_header'], unique=False)
        batch_op.create_index('ix_thread_message_thread_id_sent_at_id', ['thread_id', 'sent_at', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_thread_message_thread_id'))


def downgrade() -> None:
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_message_thread_id'), ['thread_id'], unique=False)
        batch_op.drop_index('ix_thread_message_thread_id_sent_at_id')
        batch_op.drop_index('ix_thread_message_thread_id_message_id_header')
