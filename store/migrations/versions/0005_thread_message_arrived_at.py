"""thread_message.arrived_at: threads follow arrival, not the sender's clock

Incoming messages took `sent_at` from the sender's Date: header, and threading,
the public thread and the statistics were ordered by it: a reply from an authority
whose clock was a year off landed in the wrong place. `arrived_at` is when the
message reached us (the inbound row's received_at) or when we wrote it (the outbox
row's created_at), back-filled here from those rows. `sent_at` stays as the
sender's date, for display only, and may be empty (a message with no Date:).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_at', store.models.UTCDateTime(timezone=True), nullable=True))
    # Our own mail arrived when we wrote it; a follow-up has both an outbox and an inbound row,
    # and the outbox's time is the one it was recorded with.
    op.execute("UPDATE thread_message SET arrived_at = (SELECT created_at FROM outbox"
               " WHERE outbox.id = thread_message.outbox_id) WHERE outbox_id IS NOT NULL")
    op.execute("UPDATE thread_message SET arrived_at = (SELECT received_at FROM inbound_message"
               " WHERE inbound_message.id = thread_message.inbound_id)"
               " WHERE arrived_at IS NULL AND inbound_id IS NOT NULL")
    op.execute("UPDATE thread_message SET arrived_at = sent_at WHERE arrived_at IS NULL")
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.alter_column('arrived_at', existing_type=store.models.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('sent_at', existing_type=store.models.UTCDateTime(timezone=True), nullable=True)
        batch_op.create_index('ix_thread_message_thread_id_arrived_at_id', ['thread_id', 'arrived_at', 'id'],
                              unique=False)
        batch_op.drop_index('ix_thread_message_thread_id_sent_at_id')


def downgrade() -> None:
    op.execute("UPDATE thread_message SET sent_at = arrived_at WHERE sent_at IS NULL")
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.create_index('ix_thread_message_thread_id_sent_at_id', ['thread_id', 'sent_at', 'id'], unique=False)
        batch_op.drop_index('ix_thread_message_thread_id_arrived_at_id')
        batch_op.alter_column('sent_at', existing_type=store.models.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_column('arrived_at')
