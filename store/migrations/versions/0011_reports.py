"""reports: a problem report's place, category and reporter; its photos; its state changes

A problem report is a thread of kind "report" (issue 12, slice 2). `report` holds what the
thread does not (where, which category, the reporter's name, the draft's questions),
`report_recipient` each body it went to (whose row id names that body's own address
report-ID-TOKEN@), `report_photo` the photos as received (private: EXIF included), and `report_state_change`
every change of state with its time and source.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report',
                    sa.Column('thread_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('category', sa.String(length=100), nullable=False),
                    sa.Column('lat', sa.Float(), nullable=True),
                    sa.Column('lon', sa.Float(), nullable=True),
                    sa.Column('postcode', sa.String(length=20), nullable=False),
                    sa.Column('location_source', sa.String(length=20), nullable=False),
                    sa.Column('reporter_name', sa.String(length=300), nullable=False),
                    sa.Column('asking', sa.String(length=20), nullable=False),
                    sa.Column('rounds', sa.Integer(), nullable=False),
                    sa.Column('last_asked_at', store.models.UTCDateTime(timezone=True), nullable=True),
                    sa.Column('questionnaire_sent_at', store.models.UTCDateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('thread_id'))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_questionnaire_sent_at', ['questionnaire_sent_at'], unique=False)
    op.create_table('report_recipient',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('thread_id', sa.Integer(), nullable=False),
                    sa.Column('counterpart_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('thread_id', 'counterpart_id', name='uq_report_recipient_thread_counterpart'))
    with op.batch_alter_table('report_recipient', schema=None) as batch_op:
        batch_op.create_index('ix_report_recipient_thread_id', ['thread_id'], unique=False)
    op.create_table('report_photo',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('thread_id', sa.Integer(), nullable=False),
                    sa.Column('filename', sa.String(length=300), nullable=False),
                    sa.Column('content_type', sa.String(length=200), nullable=False),
                    sa.Column('size', sa.Integer(), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('report_photo', schema=None) as batch_op:
        batch_op.create_index('ix_report_photo_thread_id', ['thread_id'], unique=False)
    op.create_table('report_state_change',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('thread_id', sa.Integer(), nullable=False),
                    sa.Column('state', sa.String(length=40), nullable=False),
                    sa.Column('source', sa.String(length=20), nullable=False),
                    sa.Column('message_id', sa.Integer(), nullable=True),
                    sa.Column('at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.ForeignKeyConstraint(['message_id'], ['thread_message.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('report_state_change', schema=None) as batch_op:
        batch_op.create_index('ix_report_state_change_thread_id', ['thread_id'], unique=False)


def downgrade() -> None:
    op.drop_table('report_state_change')
    op.drop_table('report_photo')
    op.drop_table('report_recipient')
    op.drop_table('report')
