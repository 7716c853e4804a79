"""An expired consent counts as absent: under opt-in, a grant that expired drops the person from targeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphsvc.db import Database
from graphsvc.service import consent
from tests.api.conftest import Serve
from tests.api.test_consent import _influencers, _segment


def test_an_expired_grant_drops_a_person_from_influencers_and_segments(
    serve: Serve, social_map: Database, keys: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    for purpose in ("marketing", "profiling"):
        consent.record_consent(
            social_map,
            person_id="p1",
            purpose=purpose,
            status="granted",
            recorded_by="test",
            given_at=now - timedelta(days=30),
            expires_at=now + timedelta(days=30),
        )
        consent.record_consent(
            social_map,
            person_id="p2",
            purpose=purpose,
            status="granted",
            recorded_by="test",
            given_at=now - timedelta(days=400),
            expires_at=now - timedelta(days=35),
        )
    with serve(consent_default="denied") as base:  # opt-in: only people with a grant in effect
        assert _influencers(base) == {"p1"}
        assert _segment(base, keys["marketer"]) == {"p1"}
    assert consent.effective(social_map, "p2") == {}  # the expired grants count as absent
    assert consent.effective(social_map, "p1") == {"marketing": "granted", "profiling": "granted"}
