"""`flask --app app ...` commands of the machine interface (SPEC §3.1)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from data import db, i18n
from service.store import prepare


def _parse_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {value!r}")


db_cli = AppGroup("db", help="数据库结构 / schema management")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema of DATABASE_URL."""
    prepare()
    click.echo(f"schema up to date: {db.get_engine().url.render_as_string(hide_password=True)}")


@db_cli.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def db_backup(path: Path) -> None:
    """Copy the SQLite store to PATH, consistent while the app serves."""
    from data.backup import BackupError, backup

    try:
        done = backup(db.get_engine(), path, by="cli")
    except BackupError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    click.echo(f"backup written: {done.path} ({done.size:,} bytes, data version {done.data_version})")


@db_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def db_restore(path: Path) -> None:
    """Replace the SQLite store's contents with the backup at PATH (checked first)."""
    from data.backup import BackupError, restore

    try:
        done = restore(db.get_engine(), path, by="cli")
    except BackupError as err:
        click.echo(err.message, err=True)
        click.echo("未恢复，数据库未改动 / not restored, the store is unchanged", err=True)
        sys.exit(1)
    click.echo(f"restored from {path} (data version now {done.data_version})")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dataset", help="dataset name for every file (default: from the file name)")
@click.option("--user", "username", default=None, help="recorded in the import log")
def import_cmd(files: tuple[Path, ...], dataset: str | None, username: str | None) -> None:
    """Import FILES as one transaction (all or nothing)."""
    from data.importer import ImportRejected, import_files

    try:
        report = import_files(db.get_engine(), list(files), dataset=dataset, username=username)
    except ImportRejected as rejected:
        for line in rejected.lines():
            click.echo(line, err=True)
        click.echo("导入被拒绝，未写入任何数据 / import rejected, nothing was written", err=True)
        sys.exit(1)
    _echo_report(report)


def _echo_report(report) -> None:
    """Per-file row counts on stdout (the contract's output); the rule
    evaluation's summary on stderr, so stdout stays the counts."""
    for line in report.lines():
        click.echo(line)
    if report.rules_line():
        click.echo(report.rules_line(), err=True)


@click.command("demo")
@click.option("--scale", type=click.Choice(["tiny", "small", "nanhu", "province"]), default="small",
              show_default=True)
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--as-of", "as_of", callback=_parse_date, help="YYYY-MM-DD (default: the demo's date)")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="keep the generated files in this folder")
@click.option("--if-empty", is_flag=True, help="do nothing when the store already holds regions")
def demo_cmd(scale: str, seed: int, as_of: date | None, out_dir: Path | None,
             if_empty: bool) -> None:
    """Generate the demo region's files and import them through the importer."""
    from sqlalchemy import func, select

    from data.demo import DEFAULT_AS_OF, load_demo
    from data.importer import ImportRejected
    from data.schema import mof_div

    if if_empty:
        with db.get_engine().connect() as conn:
            if conn.execute(select(func.count()).select_from(mof_div)).scalar():
                click.echo("store already holds data; demo not loaded")
                return
    try:
        report = load_demo(db.get_engine(), scale=scale, seed=seed, as_of=as_of or DEFAULT_AS_OF,
                           workdir=out_dir, history=True)
    except ImportRejected as rejected:
        for line in rejected.lines():
            click.echo(line, err=True)
        sys.exit(1)
    _echo_report(report)


rules_cli = AppGroup("rules", help="预警规则 / warning rules")


@rules_cli.command("run")
@click.option("--as-of", "as_of", callback=_parse_date,
              help="YYYY-MM-DD (default: the store's latest data date)")
def rules_run(as_of: date | None) -> None:
    """Evaluate every rule, store the results, print a summary."""
    from data.rules import run

    try:
        summary = run(db.get_engine(), as_of)
    except Exception as err:  # a bilingual line and exit 1, not a traceback
        click.echo(f"规则评估失败 / rule evaluation failed: {type(err).__name__}: {err}", err=True)
        sys.exit(1)
    for line in summary.lines():
        click.echo(line)


users_cli = AppGroup("users", help="账户 / accounts")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "staff", "deputy"]), required=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def users_create(name: str, role: str, password_stdin: bool) -> None:
    """Create an account."""
    from data.accounts import AccountError, create_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        create_user(db.get_engine(), name, role, password)
    except AccountError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(f"created {name} ({role})")


@users_cli.command("first-admin")
def users_first_admin() -> None:
    """On a store without accounts, create `admin` and print its generated password once."""
    from data.accounts import ensure_first_admin

    password = ensure_first_admin(db.get_engine())
    if password is None:
        return
    click.echo("=" * 60)
    click.echo("已创建首个管理员账户 / first admin account created\n"
               "  用户名 user name: admin\n"
               "  密码 password:    {password}\n"
               "此密码只显示这一次，请立即登录并妥善保存。\n"
               "This password is shown only once: sign in and keep it safe.".format(password=password))
    click.echo("=" * 60)


@users_cli.command("token")
@click.argument("name")
def users_token(name: str) -> None:
    """Print a new API token for NAME."""
    from data.accounts import AccountError, issue_token

    try:
        click.echo(issue_token(db.get_engine(), name))
    except AccountError as err:
        click.echo(str(err), err=True)
        sys.exit(1)


audit_cli = AppGroup("audit", help="使用留痕 / audit trail")


@audit_cli.command("check")
def audit_check() -> None:
    """Verify the audit trail's hash chain; exit 1 when an entry was changed or removed."""
    from data.audit import verify

    report = verify(db.get_engine())
    if not report.ok:
        click.echo(report.line(), err=True)
        sys.exit(1)
    click.echo(report.line())


@audit_cli.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--since", callback=_parse_date, help="YYYY-MM-DD, first day included")
@click.option("--until", callback=_parse_date, help="YYYY-MM-DD, last day included")
def audit_export(file: Path, since: date | None, until: date | None) -> None:
    """Write the audit trail (or the days given) to FILE: .xlsx, else CSV."""
    from data.audit import record, search
    from data.audit_export import csv_bytes, xlsx_bytes

    engine = db.get_engine()
    rows, total = search(engine, since=since, until=until, limit=None)
    file.write_bytes(xlsx_bytes(rows) if file.suffix.lower() == ".xlsx" else csv_bytes(rows))
    with engine.begin() as conn:
        record(conn, None, "export", f"audit trail → {file.name} ({total} entries, command line)")
    click.echo(f"{total} entries → {file}")


@click.command("brief")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--mof-div", "mof_div", default=None, help="region code (default: the top region)")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="the PDF file to write")
@click.option("--lang", type=click.Choice(sorted(i18n.LANGUAGES)), default=i18n.DEFAULT,
              show_default=True, help="the language of the brief")
def brief_cmd(month: str, mof_div: str | None, output: Path, lang: str) -> None:
    """Write the 月度分析专报 of MONTH for a region as a PDF."""
    from data.audit import record
    from data.brief import BriefError
    from service.brief import make_brief
    from service.pdf import PdfError

    try:
        with i18n.use(lang):
            figures, pdf = make_brief(month, mof_div, masked=False)
    except BriefError as err:
        click.echo(f"{err.parameter}: {err.message}", err=True)
        sys.exit(1)
    except PdfError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    output.write_bytes(pdf)
    with db.get_engine().begin() as conn:
        record(conn, None, "export", f"月度分析专报 {figures.region} {figures.month} → "  # i18n: data
                                     f"{output.name} (command line)")
    click.echo("{region} {month} (数据截至 / data as of {as_of}) → {output}".format(
        region=figures.region, month=figures.month, as_of=figures.as_of.isoformat(), output=output))


def register(app: Flask) -> None:
    for command in (db_cli, import_cmd, demo_cmd, rules_cli, users_cli, audit_cli, brief_cmd):
        app.cli.add_command(command)
