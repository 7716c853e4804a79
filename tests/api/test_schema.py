"""docs/schema.graphql is the schema the code serves: a change to one without the other fails here."""

from __future__ import annotations

from pathlib import Path

from graphsvc.api.schema import sdl

SDL_FILE = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"


def test_exported_sdl_matches_the_code() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == sdl(), (
        "docs/schema.graphql is out of date; regenerate it with "
        "python -c \"from graphsvc.api.schema import sdl; print(sdl(), end='')\" > docs/schema.graphql"
    )


def test_every_root_field_the_issue_names_is_served() -> None:
    text = sdl()
    for field in (
        "person(",
        "contact(",
        "identity(",
        "search(",
        "persons(",
        "contacts(",
        "influencers(",
        "communities(",
        "egoNetwork(",
        "warmPath(",
        "segment(",
        "reviewQueue(",
        "upsertContact(",
        "addIdentity(",
        "acceptMatch(",
        "rejectMatch(",
        "recordConsent(",
        "exportSubject(",
        "eraseSubject(",
        "runJob(",
        "jobProgress(",
        "conversations(",
        "sentimentTrend(",
        "trendingTopics(",
        "demandSignals(",
        "advocates(",
        "detractors(",
        "mergePreview(",
        "personValues(",
        "personHistory(",
        "splitPerson(",
        "detachRecord(",
        "editPerson(",
    ):
        assert f"  {field}" in text, field
