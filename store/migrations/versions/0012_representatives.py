"""representatives: who a representative is, the seats (memberships with an area) they hold, letters

Letters to representatives (issue 13). A representative is a counterpart; `representative`
keeps the Popolo person's id and postal address, `representative_seat` each membership with an
area, its dates and the 2024 constituency it was matched to; `letter` the constituent's postcode
and postal address of a letter thread, and how many confirmation mails it sent.

Revision ID: 0012
Revises: 0010 (the lead rebases it after 0011 at merge)
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('representative',
                    sa.Column('counterpart_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('person_id', sa.String(length=200), nullable=False),
                    sa.Column('postal_address', sa.Text(), server_default='', nullable=False),
                    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('counterpart_id'),
                    sa.UniqueConstraint('person_id'))
    op.create_table('representative_seat',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('counterpart_id', sa.Integer(), nullable=False),
                    sa.Column('area_id', sa.String(length=200), nullable=False),
                    sa.Column('area_name', sa.String(length=300), nullable=False),
                    sa.Column('constituency_gss', sa.String(length=20), nullable=False),
                    sa.Column('organization', sa.String(length=300), nullable=False),
                    sa.Column('party', sa.String(length=300), nullable=False),
                    sa.Column('start_date', sa.Date(), nullable=True),
                    sa.Column('end_date', sa.Date(), nullable=True),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('representative_seat', schema=None) as batch_op:
        batch_op.create_index('ix_representative_seat_counterpart_id', ['counterpart_id'], unique=False)
        batch_op.create_index('ix_representative_seat_constituency_gss', ['constituency_gss'], unique=False)
    op.create_table('letter',
                    sa.Column('thread_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('postcode', sa.String(length=20), nullable=False),
                    sa.Column('postal_address', sa.Text(), server_default='', nullable=False),
                    sa.Column('confirmations_sent', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('thread_id'))


def downgrade() -> None:
    op.drop_table('letter')
    op.drop_table('representative_seat')
    op.drop_table('representative')
