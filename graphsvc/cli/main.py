"""The one entry point: `graphsvc neo4j|db|serve|import|synth|resolve|jobs ...`."""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

import typer

from graphsvc import __version__
from graphsvc.cli import (
    apikey_cmd,
    brands_cmd,
    conversations_cmd,
    db_cmd,
    demo_cmd,
    import_cmd,
    jobs_cmd,
    neo4j_cmd,
    person_cmd,
    resolve_cmd,
    review_cmd,
    serve_cmd,
    subject_cmd,
    synth_cmd,
    user_cmd,
)
from graphsvc.cli.output import err_console
from graphsvc.errors import GraphsvcError, InternalError

app = typer.Typer(
    name="graphsvc",
    help="graphsvc: contacts, identities and relationships as a Neo4j social map, served over GraphQL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(db_cmd.app, name="db")
app.command()(serve_cmd.serve)
app.command()(demo_cmd.demo)
app.command("import", help=import_cmd.HELP)(import_cmd.import_command)
app.command("resolve", help=resolve_cmd.HELP)(resolve_cmd.resolve_command)
app.command("synth")(synth_cmd.synth)
app.add_typer(review_cmd.app, name="review")
app.add_typer(person_cmd.app, name="person")
app.add_typer(jobs_cmd.app, name="jobs")
app.add_typer(apikey_cmd.app, name="apikey")
app.add_typer(user_cmd.app, name="user")
app.add_typer(subject_cmd.consent_app, name="consent")
app.add_typer(subject_cmd.subject_app, name="subject")
app.add_typer(brands_cmd.app, name="brands")
app.add_typer(conversations_cmd.app, name="conversations")


def _version_callback(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """graphsvc command line."""


def _usage_error_as_json(exc: Any) -> dict[str, str | None]:
    """A bad option or argument, as ``--json`` callers read errors: the GraphsvcError shape."""
    context = getattr(exc, "ctx", None)
    hint = f"{context.get_usage()} (see {context.command_path} --help)" if context is not None else None
    return {"error": "UsageError", "code": "BAD_USER_INPUT", "message": exc.format_message(), "hint": hint}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; graphsvc errors become one clear message (or JSON with --json) and an exit code.

    With ``--json``, a bad option or argument is reported as JSON too (click would print text);
    without, click's own rendering of it stays.
    """
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        if not as_json:
            app(args=args, prog_name="graphsvc")  # click's standalone mode: usage errors print and exit 2
            return 0
        try:
            code = app(args=args, prog_name="graphsvc", standalone_mode=False)
        except typer.Abort:
            return 1
        except Exception as exc:
            # click's own errors (typer vendors click, so matched by what they offer, not their class)
            if isinstance(exc, GraphsvcError) or not hasattr(exc, "format_message") or not hasattr(exc, "exit_code"):
                raise
            sys.stdout.write(json.dumps(_usage_error_as_json(exc), ensure_ascii=False) + "\n")
            return int(exc.exit_code)
        return code if isinstance(code, int) else 0
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except GraphsvcError as exc:
        return _report(exc, as_json)
    except Exception as exc:  # a bug: its traceback goes to stderr for the report, the caller gets exit 5
        traceback.print_exc()
        return _report(InternalError(f"{type(exc).__name__}: {exc}", hint=_BUG_HINT), as_json)


_BUG_HINT = "this is a bug in graphsvc: please report it with the traceback printed above"


def _report(exc: GraphsvcError, as_json: bool) -> int:
    if isinstance(exc, InternalError) and exc.hint is None:
        exc.hint = _BUG_HINT
    if as_json:
        sys.stdout.write(json.dumps(exc.as_dict(), ensure_ascii=False) + "\n")
    else:
        err_console.print(f"[red]error:[/] {exc.message}", markup=True, soft_wrap=True)
        if exc.hint:
            err_console.print(f"[yellow]hint:[/] {exc.hint}", soft_wrap=True)
    return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
