"""The `bank-sandbox` command: serve, validate scenarios, generate bank data."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from sandbox.settings import Settings

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from sandbox.domain.platform import Platform


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bank-sandbox", description="A local fake of bank-account aggregation platforms."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve a scenario over HTTP")
    serve.add_argument("--scenario", help="a shipped scenario's name or a YAML file (default)")
    serve.add_argument("--host", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (8000)")
    serve.add_argument("--database", dest="database_url", help="SQLAlchemy URL")
    serve.add_argument("--reset", action="store_true", default=None, help="wipe the database")

    validate = commands.add_parser("validate", help="check scenario files and list problems")
    validate.add_argument("files", nargs="+", metavar="FILE")

    generate = commands.add_parser("generate", help="print a persona's bank data as JSON")
    generate.add_argument("--scenario", default="default", help="name or YAML file (default)")
    generate.add_argument("--persona", required=True, metavar="LOGIN")
    generate.add_argument("--bank", help="the bank, for a persona of every bank")
    generate.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    generate.add_argument("--to", dest="end", required=True, type=date.fromisoformat)

    args = parser.parse_args(argv)
    return {"serve": _serve, "validate": _validate, "generate": _generate}[args.command](args)


@contextmanager
def _start_up() -> Iterator[None]:
    """No cyclic garbage collection while the server starts: importing it and loading the
    scenario make objects that all live as long as the process, and collecting among them cost
    about a tenth of the start. Then they are frozen: later collections skip them."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class _Started(NamedTuple):
    settings: Settings
    platform: Platform
    app: ASGIApp


def _serve(args: argparse.Namespace) -> int:
    with _start_up():
        started = _started(args)
    if isinstance(started, int):
        return started
    settings, platform, app = started
    import uvicorn

    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        # The caller's address is the connection's: uvicorn would otherwise take any
        # X-Forwarded-For a loopback client writes, and `allowed_ips` would check that.
        proxy_headers=False,
    )
    platform.close()
    return 0


def _started(args: argparse.Namespace) -> _Started | int:
    """The settings, the opened platform and the app to serve; an exit status when one of
    them cannot be had."""
    import uvicorn  # noqa: F401 (imported here, so frozen with the rest of the start)

    from sandbox.app import create_app
    from sandbox.domain.platform import Platform
    from sandbox.middleware.request_log import configure_logging
    from sandbox.scenario import ScenarioError
    from sandbox.store.database import SchemaMismatch

    try:
        settings = Settings.from_env(
            scenario=args.scenario,
            host=args.host,
            port=args.port,
            database_url=args.database_url,
            reset=args.reset,
        )
    except ValueError as error:
        print(f"bank-sandbox: {error}", file=sys.stderr)
        return 2
    if not settings.loopback_only and not settings.admin_token:
        print(
            f"bank-sandbox: binding {settings.host} makes the control API reachable from other "
            "machines; set SANDBOX_ADMIN_TOKEN to protect it",
            file=sys.stderr,
        )
        return 2
    try:
        platform = Platform.open(settings)
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except (SchemaMismatch, ValueError) as error:  # ValueError: an unusable secret key file
        print(f"bank-sandbox: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    tenants = ", ".join(f"{t.id} (client_id {t.client_id})" for t in platform.scenario.tenants)
    print(
        f"bank-sandbox: scenario {platform.scenario_name!r} at "
        f"http://{settings.host}:{settings.port}  tenants: {tenants or 'none'}",
        file=sys.stderr,
    )
    return _Started(settings, platform, create_app(platform))


def _validate(args: argparse.Namespace) -> int:
    from sandbox.scenario import ScenarioError, load_scenario

    try:
        allow_link_local = Settings.from_env().webhook_allow_link_local
    except ValueError as error:
        print(f"bank-sandbox: {error}", file=sys.stderr)
        return 2
    failed = False
    for file in args.files:
        try:
            scenario = load_scenario(file, allow_link_local=allow_link_local)
        except ScenarioError as error:
            failed = True
            print(error)
            continue
        counts = [
            _count(len(scenario.banks), "bank"),
            _count(len(scenario.personas), "persona"),
            _count(len(scenario.tenants), "tenant"),
        ]
        print(f"{file}: valid: {', '.join(counts)}")
    return 1 if failed else 0


def _count(number: int, noun: str) -> str:
    """ "1 tenant", "2 tenants", "0 tenants"."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def _generate(args: argparse.Namespace) -> int:
    import orjson

    from sandbox.bankdata import generate_report
    from sandbox.scenario import ScenarioError, load_scenario

    if args.end < args.start:
        print("bank-sandbox: --to is before --from", file=sys.stderr)
        return 2
    try:
        scenario = load_scenario(args.scenario)
        report = generate_report(scenario, args.persona, args.bank, args.start, args.end)
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except LookupError as error:
        print(f"bank-sandbox: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
