"""`graphsvc apikey create|list|revoke`: the keys the GraphQL API accepts, each with a role."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.service.apikeys import ROLES, create_key, list_keys, revoke_key

app = typer.Typer(
    help="API keys for the GraphQL API (stored hashed), each with a role: " + " < ".join(ROLES) + ".",
    no_args_is_help=True,
)


@app.command()
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key (shown in `apikey list`).")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    as_json: JsonFlag = False,
) -> None:
    """Create a key and print its secret: it is shown this once and stored only as a hash."""
    with open_database() as db:
        key, secret = create_key(db, name=name, role=role)
    emit(
        {**key.as_dict(), "secret": secret},
        as_json,
        f"API key {key.id} ({key.name}, role {key.role}):\n{secret}\n"
        "Keep it now: it cannot be shown again. Send it as 'Authorization: Bearer <key>'.",
    )


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Every key: id, name, role, when created, last used and revoked (never the secrets)."""
    with open_database() as db:
        keys = [key.as_dict() for key in list_keys(db)]

    def human(data: dict[str, Any]) -> None:
        table = Table("id", "name", "role", "created", "last used", "revoked")
        for key in data["keys"]:
            table.add_row(
                key["id"],
                key["name"],
                key["role"],
                *(str(key[k] or "") for k in ("createdAt", "lastUsedAt", "revokedAt")),
            )
        console.print(table)

    emit({"keys": keys}, as_json, human)


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (from `apikey list`).")], as_json: JsonFlag = False
) -> None:
    """Revoke a key: the API refuses it within GRAPHSVC_APIKEY_CACHE_SECONDS."""
    with open_database() as db:
        key = revoke_key(db, key_id)
    emit(key.as_dict(), as_json, f"API key {key.id} ({key.name}) revoked at {key.revoked_at}")
