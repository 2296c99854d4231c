"""sender trust: each inbound message's verdict and evidence, its client's HELO, and challenges

A follow-up was acted on when its From: matched the requester, which anyone can
write. Now every inbound message gets one verdict (pass, fail, unknown) from SPF,
DKIM and DMARC, stored with the evidence it rests on; the HELO of the SMTP session
is kept for the SPF check. A challenge is an action held until the registered
address confirms it by reply (a doubtful follow-up, any withdrawal).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helo', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sender_trust', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('trust_evidence', sa.Text(), nullable=False, server_default=''))
    op.create_table('challenge',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('inbound_id', sa.Integer(), nullable=False),
                    sa.Column('thread_id', sa.Integer(), nullable=True),
                    sa.Column('held_address', sa.String(length=320), nullable=False),
                    sa.Column('recipient', sa.String(length=320), nullable=False),
                    sa.Column('action', sa.String(length=200), nullable=False),
                    sa.Column('state', sa.String(length=20), nullable=False),
                    sa.Column('created_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('expires_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('resolved_at', store.models.UTCDateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id']),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.create_index('ix_challenge_inbound_id', ['inbound_id'], unique=False)
        batch_op.create_index('ix_challenge_thread_id', ['thread_id'], unique=False)
        batch_op.create_index('ix_challenge_state', ['state'], unique=False)


def downgrade() -> None:
    op.drop_table('challenge')
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('trust_evidence')
        batch_op.drop_column('sender_trust')
        batch_op.drop_column('helo')
