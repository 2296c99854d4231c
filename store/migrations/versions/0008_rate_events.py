"""rate events: the counted forwards, mails to strangers and loop alerts behind the limits

Two robots without RFC 3834 headers answered each other through a request thread
(27 mails one way, 26 the other in a minute), and a forged From: made mailgate send
its confirmation, repeating the forger's text, to anyone. Each forward between the
two sides of a thread and each mail to a stranger is now a row here; the limits
count the recent ones (processors/loops.py, processors/strangers.py). An index
reads a thread's newest messages of one kind, for the loop breaker's likeness.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_event',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=20), nullable=False),
                    sa.Column('thread_id', sa.Integer(), nullable=True),
                    sa.Column('direction', sa.String(length=20), nullable=False),
                    sa.Column('address', sa.String(length=320), nullable=False),
                    sa.Column('client', sa.String(length=200), nullable=False),
                    sa.Column('note', sa.String(length=1000), nullable=False),
                    sa.Column('at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('cleared', sa.Boolean(), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('rate_event', schema=None) as batch_op:
        batch_op.create_index('ix_rate_event_name_at', ['name', 'at'], unique=False)
        batch_op.create_index('ix_rate_event_thread_id', ['thread_id'], unique=False)
        batch_op.create_index('ix_rate_event_address', ['address'], unique=False)
        batch_op.create_index('ix_rate_event_client', ['client'], unique=False)
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.create_index('ix_thread_message_thread_id_kind_arrived_at', ['thread_id', 'kind', 'arrived_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('thread_message', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_message_thread_id_kind_arrived_at')
    op.drop_table('rate_event')
