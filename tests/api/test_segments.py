"""Saved segments over real HTTP: saved by name, listed, replaced, refused when the filter is bad or the role low."""

from __future__ import annotations

from graphsvc.db import Database
from tests.api.client import ask, data, error

SAVE = """mutation($name: String!, $filter: SegmentFilterInput!) {
  saveSegment(name: $name, filter: $filter) { name filter createdBy } }"""
SAVED = "{ savedSegments { name filter createdBy createdAt updatedAt } }"


def test_a_marketer_saves_lists_and_replaces_segments(api: str, social_map: Database, keys: dict[str, str]) -> None:
    marketer = keys["marketer"]
    saved = data(
        ask(api, SAVE, {"name": " Runners ", "filter": {"community": "run1:1", "minInfluence": 0.1}}, key=marketer)
    )
    assert saved["saveSegment"]["name"] == "Runners"
    assert saved["saveSegment"]["filter"] == {"community": "run1:1", "minInfluence": 0.1}
    assert saved["saveSegment"]["createdBy"].startswith("apikey:")
    data(ask(api, SAVE, {"name": "Runners", "filter": {"topic": "running", "hasContact": True}}, key=marketer))
    data(ask(api, SAVE, {"name": "All", "filter": {}}, key=marketer))
    listed = data(ask(api, SAVED, key=marketer))["savedSegments"]
    assert [s["name"] for s in listed] == ["All", "Runners"]
    assert listed[1]["filter"] == {"topic": "running", "hasContact": True}  # replaced, not added
    # the saved filter is a SegmentFilterInput as it stands: it can be asked again
    count = data(
        ask(
            api,
            "query($f: SegmentFilterInput!) { segment(filter: $f) { count } }",
            {"f": listed[1]["filter"]},
            key=marketer,
        )
    )
    assert isinstance(count["segment"]["count"], int)


def test_bad_names_filters_and_roles_are_refused(api: str, social_map: Database, keys: dict[str, str]) -> None:
    bad = error(ask(api, SAVE, {"name": "x", "filter": {"minInfluence": 2}}, key=keys["marketer"]))
    assert bad["extensions"]["code"] == "BAD_USER_INPUT" and "minInfluence" in bad["message"]
    empty_name = error(ask(api, SAVE, {"name": "   ", "filter": {}}, key=keys["marketer"]))
    assert empty_name["extensions"]["code"] == "BAD_USER_INPUT" and "name" in empty_name["message"]
    assert error(ask(api, SAVED, key=keys["viewer"]))["extensions"]["code"] == "FORBIDDEN"
    assert data(ask(api, SAVED, key=keys["marketer"]))["savedSegments"] == []  # nothing half-written
