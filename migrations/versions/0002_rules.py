"""warning rules: settings, their history, evaluation runs and stored results (data/rules)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:12:27.668333
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_run',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Numeric(precision=10, scale=3), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_run'))
    )
    op.create_table('rule_setting',
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('thresholds', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('rule', name=op.f('pk_rule_setting'))
    )
    op.create_table('rule_setting_change',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_setting_change'))
    )
    with op.batch_alter_table('rule_setting_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_setting_change_rule'), ['rule'], unique=False)

    op.create_table('rule_result',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_code', sa.String(length=255), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Numeric(precision=24, scale=6), nullable=True),
    sa.Column('threshold', sa.Numeric(precision=24, scale=6), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('mof_div_code', sa.String(length=64), nullable=True),
    sa.Column('agency_code', sa.String(length=64), nullable=True),
    sa.Column('dept_code', sa.String(length=64), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('first_seen', sa.Date(), nullable=False),
    sa.Column('last_seen', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['rule_run.id'], name=op.f('fk_rule_result_run_id_rule_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_result')),
    sa.UniqueConstraint('rule', 'entity_code', name=op.f('uq_rule_result_rule_entity_code'))
    )
    op.create_table('rule_run_count',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['rule_run.id'], name=op.f('fk_rule_run_count_run_id_rule_run')),
    sa.PrimaryKeyConstraint('run_id', 'rule', 'level', name=op.f('pk_rule_run_count'))
    )


def downgrade() -> None:
    op.drop_table('rule_run_count')
    op.drop_table('rule_result')
    with op.batch_alter_table('rule_setting_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_setting_change_rule'))

    op.drop_table('rule_setting_change')
    op.drop_table('rule_setting')
    op.drop_table('rule_run')
