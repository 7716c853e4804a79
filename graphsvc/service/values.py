"""Driver values as plain Python: Neo4j temporal types become ``datetime``/``date``, JSON text becomes data."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

__all__ = ["jsonable", "plain"]


#: Types that are already plain: checked by exact type first, as nearly every value is one of them
#: (a page of 20 influencers walks some 300 values per request).
_LEAVES = frozenset({str, int, float, bool, type(None), bytes, datetime, date, time})


def plain(value: Any) -> Any:
    """``value`` with every Neo4j temporal (``neo4j.time.DateTime``, ``Date``...) turned into its stdlib type."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    to_native = getattr(value, "to_native", None)
    if to_native is not None and not isinstance(value, datetime | date | time):
        return to_native()
    return value


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data: temporals as ISO 8601 text, nested JSON strings left as they are."""
    value = plain(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return json.loads(json.dumps(value, default=str))
