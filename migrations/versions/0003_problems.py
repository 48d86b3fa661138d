"""accounts, tamper-evident audit chain, settings, the problem loop (SPEC §3.3)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 06:25:12.245349
"""
from alembic import op
import sqlalchemy as sa

from data.audit import GENESIS, entry_hash


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('problem',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('mof_div_code', sa.String(length=64), nullable=True),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('notice_no', sa.String(length=40), nullable=True),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.user_id'], name=op.f('fk_problem_created_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem')),
    sa.UniqueConstraint('notice_no', name=op.f('uq_problem_notice_no'))
    )
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_problem_status'), ['status'], unique=False)

    op.create_table('problem_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_problem_event_problem_id_problem')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.user_id'], name=op.f('fk_problem_event_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_event'))
    )
    with op.batch_alter_table('problem_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_event_problem_id'), ['problem_id'], unique=False)

    op.create_table('problem_file',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_problem_file_problem_id_problem')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_problem_file_stored_name'))
    )
    with op.batch_alter_table('problem_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_file_problem_id'), ['problem_id'], unique=False)

    op.create_table('problem_warning',
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('entity_code', sa.String(length=255), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Numeric(precision=24, scale=6), nullable=True),
    sa.Column('threshold', sa.Numeric(precision=24, scale=6), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('mof_div_code', sa.String(length=64), nullable=True),
    sa.Column('agency_code', sa.String(length=64), nullable=True),
    sa.Column('dept_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_problem_warning_problem_id_problem')),
    sa.PrimaryKeyConstraint('problem_id', 'rule', 'entity_code', name=op.f('pk_problem_warning'))
    )
    with op.batch_alter_table('problem_warning', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_warning_rule_entity_code'), ['rule', 'entity_code'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_username_at'), ['username', 'at'], unique=False)

    _chain_existing_entries()
    for table in APPEND_ONLY:
        _refuse_changes(table)


# Tables whose rows are never updated or deleted, enforced by the database.
APPEND_ONLY = ("audit_log", "problem_event")


def _chain_existing_entries() -> None:
    """Hash the entries written before the chain existed, in id order, and
    start the chain's head after the last of them."""
    conn = op.get_bind()
    log = sa.table("audit_log", sa.column("id"), sa.column("at"), sa.column("username"),
                   sa.column("action"), sa.column("detail"), sa.column("ip"),
                   sa.column("prev_hash"), sa.column("entry_hash"))
    prev, last_id = GENESIS, 0
    for row in conn.execute(sa.select(log).order_by(log.c.id)).mappings().all():
        digest = entry_hash(prev, row)
        conn.execute(sa.update(log).where(log.c.id == row["id"])
                     .values(prev_hash=prev, entry_hash=digest))
        prev, last_id = digest, row["id"]
    conn.execute(sa.text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, :i, :h)"),
                 {"i": last_id, "h": prev})


def _refuse_changes(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger AS $$
                      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
                      LANGUAGE plpgsql""")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _allow_changes(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


def downgrade() -> None:
    for table in APPEND_ONLY:
        _allow_changes(table)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_username_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('ip')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')

    with op.batch_alter_table('problem_warning', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_warning_rule_entity_code'))

    op.drop_table('problem_warning')
    with op.batch_alter_table('problem_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_file_problem_id'))

    op.drop_table('problem_file')
    with op.batch_alter_table('problem_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_event_problem_id'))

    op.drop_table('problem_event')
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_status'))
        batch_op.drop_index(batch_op.f('ix_problem_created_by'))

    op.drop_table('problem')
    op.drop_table('audit_head')
    op.drop_table('app_setting')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_change()")
