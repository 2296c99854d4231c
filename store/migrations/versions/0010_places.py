"""places: where a body is responsible, which categories it takes, and postcodes' coordinates

Problem reports go to the council covering a place (issue 12). body_area holds a
counterpart's area (GeoJSON) and the GSS codes a postcode's council is matched
against; body_contact says which body takes which category at which addresses;
postcode_point adds coordinates (and other countries' postcodes) to the shipped
GB postcode data.

Revision ID: 0010
Revises: 0008 (the lead renumbers at merge if 0009 lands first)
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('body_area',
                    sa.Column('counterpart_id', sa.Integer(), nullable=False, autoincrement=False),
                    sa.Column('geometry', sa.Text(), server_default='', nullable=False),
                    sa.Column('gss_codes', sa.JSON(), nullable=False),
                    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('counterpart_id'))
    with op.batch_alter_table('body_area', schema=None) as batch_op:
        batch_op.create_index('ix_body_area_updated_at', ['updated_at'], unique=False)
    op.create_table('body_contact',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('counterpart_id', sa.Integer(), nullable=False),
                    sa.Column('category', sa.String(length=100), nullable=False),
                    sa.Column('emails', sa.JSON(), nullable=False),
                    sa.Column('keywords', sa.JSON(), nullable=False),
                    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['counterpart_id'], ['counterpart.id']),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('counterpart_id', 'category', name='uq_body_contact_counterpart_category'))
    with op.batch_alter_table('body_contact', schema=None) as batch_op:
        batch_op.create_index('ix_body_contact_counterpart_id', ['counterpart_id'], unique=False)
        batch_op.create_index('ix_body_contact_category', ['category'], unique=False)
    op.create_table('postcode_point',
                    sa.Column('key', sa.String(length=20), nullable=False),
                    sa.Column('postcode', sa.String(length=20), nullable=False),
                    sa.Column('lat', sa.Float(), nullable=False),
                    sa.Column('lon', sa.Float(), nullable=False),
                    sa.Column('area', sa.String(length=20), nullable=False),
                    sa.PrimaryKeyConstraint('key'))


def downgrade() -> None:
    op.drop_table('postcode_point')
    op.drop_table('body_contact')
    op.drop_table('body_area')
