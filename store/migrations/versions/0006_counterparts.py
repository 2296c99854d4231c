"""counterparts: the authority table becomes the counterpart table, and a thread may have several

Problem reports go to councils and letters to representatives; all of them are the
bodies a thread is addressed to and who answer it, in one table (one body can be an
FOI authority and a council). thread.authority_id and censor_rule.authority_id become
counterpart_id; thread_counterpart lists the further bodies a thread also went to.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table('authority', 'counterpart')
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_authority_id')
        batch_op.alter_column('authority_id', new_column_name='counterpart_id', existing_type=sa.Integer(),
                              existing_nullable=True)
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index('ix_thread_counterpart_id', ['counterpart_id'], unique=False)
    with op.batch_alter_table('censor_rule', schema=None) as batch_op:
        batch_op.alter_column('authority_id', new_column_name='counterpart_id', existing_type=sa.Integer(),
                              existing_nullable=True)
    op.create_table('thread_counterpart',
                    sa.Column('thread_id', sa.Integer(), nullable=False),
                    sa.Column('counterpart_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.ForeignKeyConstraint(['thread_id'], ['thread.id']),
                    sa.PrimaryKeyConstraint('thread_id', 'counterpart_id'))
    with op.batch_alter_table('thread_counterpart', schema=None) as batch_op:
        batch_op.create_index('ix_thread_counterpart_counterpart_id', ['counterpart_id'], unique=False)


def downgrade() -> None:
    op.drop_table('thread_counterpart')
    with op.batch_alter_table('censor_rule', schema=None) as batch_op:
        batch_op.alter_column('counterpart_id', new_column_name='authority_id', existing_type=sa.Integer(),
                              existing_nullable=True)
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_counterpart_id')
        batch_op.alter_column('counterpart_id', new_column_name='authority_id', existing_type=sa.Integer(),
                              existing_nullable=True)
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.create_index('ix_thread_authority_id', ['authority_id'], unique=False)
    op.rename_table('counterpart', 'authority')
