"""letter moderation and responsiveness: fingerprints, the allowlist, replies and the questionnaire


Copy-paste detection for letters to representatives (issue 13): `letter_fingerprint` keeps, for
each letter sent or held, the hashes of its own words (never its text), a keyed hash of its
writer, and when held the most similar earlier letter; `letter_allowed_sender` the operator's
allowlist; `letter` gains the statistics of responsiveness (first counted reply, the
questionnaire and its answer), which outlive the letter's text.

Revision ID: 0014
Revises: 0012 (the lead rebases the chain at merge)
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_fingerprint',
                    sa.Column('thread_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('counterpart_id', sa.Integer(), nullable=False),
                    sa.Column('writer_key', sa.String(length=64), nullable=False),
                    sa.Column('hashes', sa.Text(), server_default='', nullable=False),
                    sa.Column('similar_to', sa.Integer(), nullable=True),
                    sa.Column('score', sa.Float(), nullable=False),
                    sa.Column('created_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('thread_id'))
    with op.batch_alter_table('letter_fingerprint', schema=None) as batch_op:
        batch_op.create_index('ix_letter_fingerprint_counterpart_id', ['counterpart_id'], unique=False)
        batch_op.create_index('ix_letter_fingerprint_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_reply_at', store.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('questionnaires_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('questionnaire_sent_at', store.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('answer', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('inbound_ids', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('text_deleted_at', store.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', store.models.UTCDateTime(timezone=True), nullable=True))
    op.create_table('letter_allowed_sender',
                    sa.Column('address', sa.String(length=320), nullable=False),
                    sa.Column('note', sa.String(length=1000), nullable=False),
                    sa.Column('added_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('address'))


def downgrade() -> None:
    op.drop_table('letter_allowed_sender')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        for column in ('anonymised_at', 'text_deleted_at', 'inbound_ids', 'answer', 'questionnaire_sent_at', 'questionnaires_sent', 'first_reply_at'):
            batch_op.drop_column(column)
    op.drop_table('letter_fingerprint')
