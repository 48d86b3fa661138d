"""payments indexed by amount: the payment grid sorted by amount reads the
largest (or smallest) first instead of sorting the year

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:05:00.000000
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_payment_amount_pay_cert_id'), 'payment', ['amount', 'pay_cert_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_payment_amount_pay_cert_id'), table_name='payment')
