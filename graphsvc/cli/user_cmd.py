"""`graphsvc user create|list|disable|enable|set-role|set-password`: the console's accounts."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.errors import InputError
from graphsvc.service.apikeys import ROLES, check_role
from graphsvc.service.users import (
    MIN_PASSWORD_LENGTH,
    check_name,
    check_password,
    create_user,
    disable_user,
    enable_user,
    list_users,
    set_password,
    set_role,
)

app = typer.Typer(
    help="Console users (passwords stored as argon2id hashes), each with a role: " + " < ".join(ROLES) + ".",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The user's name (what they sign in with).")]
RoleOpt = Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of prompting for it twice.",
    ),
]


def _password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice without echo (prompts on stderr)."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise InputError("expected the password on the first line of standard input", where="password")
    else:
        password = typer.prompt(
            f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True, err=True
        )
    return check_password(password)


@app.command()
def create(name: NameArg, role: RoleOpt, password_stdin: PasswordStdin = False, as_json: JsonFlag = False) -> None:
    """Create a user who can sign in to the console with the given role."""
    check_name(name)
    check_role(role)  # before the password is typed
    password = _password(password_stdin)
    with open_database(migrate=True) as db:
        user = create_user(db, name=name, role=role, password=password)
    emit(user.as_dict(), as_json, f"User {user.name} created (role {user.role}): they can sign in to the console now.")


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Every user: name, role, whether disabled or locked out, when created and last signed in (never passwords)."""
    with open_database() as db:
        users = [user.as_dict() for user in list_users(db)]

    def human(data: dict[str, Any]) -> None:
        table = Table("name", "role", "disabled", "created", "last sign-in", "locked until")
        for user in data["users"]:
            table.add_row(
                user["name"],
                user["role"],
                "yes" if user["disabled"] else "",
                *(str(user[k] or "") for k in ("createdAt", "lastLoginAt", "lockedUntil")),
            )
        console.print(table)

    emit({"users": users}, as_json, human)


@app.command()
def disable(name: NameArg, as_json: JsonFlag = False) -> None:
    """Disable a user: they cannot sign in, and their sessions end now."""
    with open_database(migrate=True) as db:
        user, ended = disable_user(db, name)
    emit(
        {**user.as_dict(), "sessionsEnded": ended},
        as_json,
        f"User {user.name} disabled; {ended} session(s) ended.",
    )


@app.command()
def enable(name: NameArg, as_json: JsonFlag = False) -> None:
    """Enable a user again (this also lifts a lock-out after failed sign-ins)."""
    with open_database(migrate=True) as db:
        user = enable_user(db, name)
    emit(user.as_dict(), as_json, f"User {user.name} enabled (role {user.role}).")


@app.command("set-role")
def set_role_(
    name: NameArg,
    role: Annotated[str, typer.Argument(help=f"One of {', '.join(ROLES)}.")],
    as_json: JsonFlag = False,
) -> None:
    """Give a user another role (their open sessions have it within GRAPHSVC_SESSION_CACHE_SECONDS)."""
    with open_database(migrate=True) as db:
        user = set_role(db, name, role)
    emit(user.as_dict(), as_json, f"User {user.name} now has role {user.role}.")


@app.command("set-password")
def set_password_(name: NameArg, password_stdin: PasswordStdin = False, as_json: JsonFlag = False) -> None:
    """Set a user's password: their sessions end, and a lock-out is lifted."""
    password = _password(password_stdin)
    with open_database(migrate=True) as db:
        user, ended = set_password(db, name, password)
    emit(
        {**user.as_dict(), "sessionsEnded": ended},
        as_json,
        f"Password of {user.name} set; {ended} session(s) ended.",
    )
