"""`graphsvc brands list|set|load`: the tracked brands, their aliases, products and category."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from graphsvc.cli.database import open_database
from graphsvc.cli.output import JsonFlag, console, emit
from graphsvc.errors import InputError
from graphsvc.service.brands import list_brands, set_brand

app = typer.Typer(
    help="Tracked brands: what counts as a mention, and what a demand signal asks about.", no_args_is_help=True
)


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """The tracked brands and how many posts mention each."""
    with open_database() as db:
        brands = list_brands(db)

    def human(d: dict[str, Any]) -> None:
        table = Table("brand", "aliases", "products", "category", "posts")
        for b in d["brands"]:
            table.add_row(
                b["name"], ", ".join(b["aliases"]), ", ".join(b["products"]), b["category"] or "", str(b["posts"])
            )
        console.print(table)

    emit({"brands": brands}, as_json, human)


@app.command("set")
def set_(
    name: Annotated[str, typer.Argument(help="The brand's name (also a mention term).")],
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name that counts as a mention.")] = None,
    product: Annotated[
        list[str] | None, typer.Option("--product", help="A product name that counts as a mention.")
    ] = None,
    category: Annotated[str | None, typer.Option(help="What people ask for when they want one, e.g. 'CRM'.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Track a brand, or change one; `graphsvc conversations enrich` re-reads existing posts."""
    with open_database(migrate=True) as db:
        row = set_brand(db, name, aliases=alias or [], products=product or [], category=category)
    emit(row, as_json, f"tracking {row['name']}")


@app.command()
def load(
    path: Annotated[Path, typer.Argument(help="JSON list of {name, aliases, products, category}.")],
    as_json: JsonFlag = False,
) -> None:
    """Track every brand of a JSON file."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"expected a readable JSON list of brands: {exc}", where=str(path)) from None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items):
        raise InputError("expected a JSON list of objects with a 'name'", where=str(path))
    with open_database(migrate=True) as db:
        rows = [
            set_brand(
                db,
                i["name"],
                aliases=i.get("aliases") or [],
                products=i.get("products") or [],
                category=i.get("category"),
            )
            for i in items
        ]
    emit({"brands": rows}, as_json, f"tracking {len(rows)} brand(s)")
