"""财政监督大脑: the Dash application (pages in pages/), its Flask server with
the command line, the JSON API, sign-in and the query cache.

`python app.py` serves on 127.0.0.1:8050 (HOST / PORT / THREADS override it)
with waitress in one process; `make run` serves `app:server` with gunicorn in
several processes sharing one cache (README, "Serving");
`flask --app app run` (Flask's development server) and every
`flask --app app ...` command use `server`.
Building the app never touches the database: pages query it when they render.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import dash
from flask import jsonify
from sqlalchemy.exc import SQLAlchemyError

from components import shell
from pages._shared import exports, grid_data, shell_data  # noqa: F401  (registers their callbacks)
from service import cache, cli, static
from service.api import api
from service.auth import csrf, init_auth
from service.files import files
from service.i18n import init_i18n

ROOT = Path(__file__).resolve().parent
TITLE = shell.APP_NAME


def secret_key(instance_dir: Path = ROOT / "instance") -> str:
    """SECRET_KEY from the environment, else one generated once and kept in
    instance/ so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: several server processes
        # starting at once agree on the first one published.
        aside = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
        return path.read_text().strip()


def create_app() -> dash.Dash:
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        # Vendored files are linked explicitly (the themes must not all apply).
        assets_path_ignore=["vendor"],
        suppress_callback_exceptions=True,
        serve_locally=True,
        title=TITLE,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    shell.install(app)
    server = app.server
    server.config["SECRET_KEY"] = secret_key()
    cli.register(server)
    init_auth(server)
    init_i18n(server)
    static.init_static(server, ROOT / "assets")
    server.register_blueprint(api)
    csrf.exempt(api)  # bearer tokens, not cookies: nothing to forge
    server.register_blueprint(files)
    cache.init_cache(server)
    server.register_error_handler(SQLAlchemyError, _database_unavailable)
    return app


def _database_unavailable(err: SQLAlchemyError):
    """A lost database answers 503 JSON, never a traceback."""
    logging.getLogger(__name__).error("database unavailable: %s", err)
    return jsonify({"error": "数据库暂时无法连接 / database unavailable"}), 503


app = create_app()
server = app.server

if __name__ == "__main__":
    from waitress import serve

    def _positive(name: str, default: str) -> int:
        raw = os.environ.get(name, default)
        if not raw.isdigit() or int(raw) == 0:
            raise SystemExit("{name} 应为正整数 / {name} must be a positive whole number: {raw!r}"
                             .format(name=name, raw=raw))
        return int(raw)

    host, port, threads = os.environ.get("HOST", "127.0.0.1"), _positive("PORT", "8050"), \
        _positive("THREADS", "8")
    print(f"{TITLE}: http://{host}:{port}/", flush=True)
    serve(server, host=host, port=port, threads=threads)
