"""Full-text search over names, handles, bios and companies (the ``search_text`` index).

The user's text is never Lucene syntax: every term is escaped and lower-cased, and matches as a
word or a word prefix (``smi`` finds Smith). Email and phone identities are searched only for
callers that may read PII.
"""

from __future__ import annotations

import re
from typing import Any

from graphsvc.db import Database
from graphsvc.errors import InputError
from graphsvc.service import consent

__all__ = ["lucene_query", "search"]

_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
MAX_HITS = 100


def lucene_query(text: str) -> str:
    """``'Ada Love'`` -> ``'ada ada* love love*'``: each term exact or as a prefix, any term may match."""
    terms = [_SPECIAL.sub(r"\\\1", term.lower()) for term in text.split()]
    terms = [t for t in terms if t not in ("and", "or", "not")]
    if not terms:
        raise InputError(f"expected some words to search for, got {text!r}", where="text")
    return " ".join(f"{t} {t}*" for t in terms)


def search(db: Database, text: str, *, limit: int = 20, pii: bool, consent_default: str) -> list[dict[str, Any]]:
    """Hits, best first: ``{score, kind, person, key}`` (key: [source, sourceId], [platform, key] or [key, name]).

    A hit whose person's consent for marketing or profiling is not granted is left out, as ``influencers``
    leaves them out: a search is how a marketer finds people to reach.
    """
    if not 1 <= limit <= MAX_HITS:
        raise InputError(f"expected 1 to {MAX_HITS}, got {limit}", where="first")
    fetch = limit * 3  # hidden addresses and refused consent are dropped after the index answers
    return db.read(
        "api.search",
        text=lucene_query(text),
        limit=limit,
        fetch=fetch,
        pii=pii,
        **consent.params(consent_default),
    )
