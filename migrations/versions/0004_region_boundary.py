"""region boundaries (GeoJSON geometry per region) for the wall screen's map

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('region_boundary',
    sa.Column('mof_div_code', sa.String(length=64), nullable=False),
    sa.Column('geometry', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['mof_div_code'], ['mof_div.mof_div_code'],
                            name=op.f('fk_region_boundary_mof_div_code_mof_div'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('mof_div_code', name=op.f('pk_region_boundary'))
    )


def downgrade() -> None:
    op.drop_table('region_boundary')
