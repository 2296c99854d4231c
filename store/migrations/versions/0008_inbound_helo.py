"""inbound_message.helo: the name the client greeted with

The gateway keeps the HELO/EHLO/LHLO name beside the client's address (`peer`);
behind Postfix both are the real client's, forwarded with XFORWARD over LMTP.
Rows from before have none: ''.

(Numbered 0008: another branch adds 0007. Whichever merges second points its
down_revision at the other.)

Revision ID: 0008
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helo', sa.String(length=255), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('helo')
