"""alerts: subscribers, what each follows (alert), and which messages each was told about

Subscriptions by email (issue 14): `subscriber` is one address (private), `alert` one thing it
follows with its frequency and state (pending until confirmed by reply), `alert_sent` each
message a digest named, so that no subscriber hears of a message twice.

Revision ID: 0013
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subscriber',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('email', sa.String(length=320), nullable=False),
                    sa.Column('created_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('email'))
    op.create_table('alert',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('subscriber_id', sa.Integer(), nullable=False),
                    sa.Column('target', sa.String(length=20), nullable=False),
                    sa.Column('value', sa.String(length=200), nullable=False),
                    sa.Column('label', sa.String(length=200), nullable=False),
                    sa.Column('frequency', sa.String(length=10), nullable=False),
                    sa.Column('state', sa.String(length=10), nullable=False),
                    sa.Column('inbound_id', sa.Integer(), nullable=True),
                    sa.Column('created_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('expires_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('confirmed_at', store.models.UTCDateTime(timezone=True), nullable=True),
                    sa.Column('stopped_at', store.models.UTCDateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id']),
                    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_subscriber_id', ['subscriber_id'], unique=False)
        batch_op.create_index('ix_alert_inbound_id', ['inbound_id'], unique=False)
        batch_op.create_index('ix_alert_state_frequency', ['state', 'frequency'], unique=False)
    op.create_table('alert_sent',
                    sa.Column('subscriber_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('message_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('outbox_id', sa.Integer(), nullable=True),
                    sa.ForeignKeyConstraint(['message_id'], ['thread_message.id']),
                    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id']),
                    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id']),
                    sa.PrimaryKeyConstraint('subscriber_id', 'message_id'))
    with op.batch_alter_table('alert_sent', schema=None) as batch_op:
        batch_op.create_index('ix_alert_sent_outbox_id', ['outbox_id'], unique=False)


def downgrade() -> None:
    op.drop_table('alert_sent')
    op.drop_table('alert')
    op.drop_table('subscriber')
