"""Normalisers: examples for each documented rule, and properties that hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.errors import InputError
from graphsvc.ingest.normalize import (
    Handle,
    fold,
    normalize_email,
    normalize_location,
    normalize_name,
    normalize_phone,
    parse_handle,
)


# -- emails ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "address", "match_key"),
    [
        ("Ada.Lovelace+crm@Gmail.com", "ada.lovelace+crm@gmail.com", "adalovelace@gmail.com"),
        ("a.d.a@googlemail.com", "a.d.a@googlemail.com", "ada@gmail.com"),
        ("  John.Smith+news@Example.ORG ", "john.smith+news@example.org", "john.smith@example.org"),
        ("mailto:info@example.com", "info@example.com", "info@example.com"),
        ("user@XN--MNCHEN-3YA.de", "user@münchen.de", "user@münchen.de"),
        ("user@münchen.de", "user@münchen.de", "user@münchen.de"),
    ],
)
def test_email_keeps_the_original_and_derives_a_match_key(raw: str, address: str, match_key: str) -> None:
    email = normalize_email(raw)
    assert (email.address, email.match_key) == (address, match_key)


@pytest.mark.parametrize("raw", ["not-an-email", "a@", "@example.com", "a b@example.com", "a@@example.com"])
def test_bad_email_names_the_value_and_the_form(raw: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_email(raw)
    assert repr(raw) in caught.value.reason and "name@example.com" in caught.value.reason


local_parts = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True)


@given(local=local_parts, tag=st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), upper=st.booleans())
def test_email_match_key_ignores_tags_dots_and_case(local: str, tag: str, upper: bool) -> None:
    plain = normalize_email(f"{local}@gmail.com")
    noisy = normalize_email(f"{local.upper() if upper else local}+{tag}@GMail.com")
    assert noisy.match_key == plain.match_key == f"{local.replace('.', '')}@gmail.com"
    assert noisy.address == f"{local}+{tag}@gmail.com"  # the original is kept, only lower-cased
    assert normalize_email(noisy.address) == noisy  # idempotent


# -- phones ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("+44 20 7946 0958", None, "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0049 30 901820", "US", None),  # US exit code is 011, so this is not valid in the US
        ("+49 30 901820", "US", "+4930901820"),
    ],
)
def test_phone_e164_with_default_region(raw: str, region: str | None, e164: str | None) -> None:
    if e164 is None:
        with pytest.raises(InputError, match="phone number"):
            normalize_phone(raw, region)
    else:
        assert normalize_phone(raw, region) == e164


def test_national_phone_without_region_says_why() -> None:
    with pytest.raises(InputError, match="national numbers need a default region"):
        normalize_phone("020 7946 0958", None)


@given(st.sampled_from(["US", "GB", "DE", "FR", "BR", "IN"]), st.data())
def test_phone_formats_round_trip(region: str, data: st.DataObject) -> None:
    import phonenumbers

    example = phonenumbers.example_number(region)
    assert example is not None
    style = data.draw(
        st.sampled_from(
            [
                phonenumbers.PhoneNumberFormat.NATIONAL,
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.E164,
            ]
        )
    )
    written = phonenumbers.format_number(example, style)
    e164 = normalize_phone(written, region)
    assert e164 == phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    assert normalize_phone(e164, None) == e164


# -- handles and profile URLs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "platform", "expected"),
    [
        ("@Ada_Lovelace", "twitter", Handle("twitter", "ada_lovelace")),
        ("ada", "X", Handle("twitter", "ada")),
        ("https://x.com/Ada_Lovelace", None, Handle("twitter", "ada_lovelace")),
        ("https://twitter.com/ada_lovelace/status/12345", None, Handle("twitter", "ada_lovelace")),
        ("twitter.com/@ada", None, Handle("twitter", "ada")),
        ("https://www.facebook.com/ada.lovelace/", None, Handle("facebook", "ada.lovelace")),
        ("https://m.facebook.com/profile.php?id=100004", None, Handle("facebook", "100004")),
        ("www.linkedin.com/in/ada-lovelace-1815?trk=x", None, Handle("linkedin", "ada-lovelace-1815")),
        ("https://uk.linkedin.com/in/Ada-Lovelace", "linkedin", Handle("linkedin", "ada-lovelace")),
        ("https://instagram.com/ada.codes", None, Handle("instagram", "ada.codes")),
        ("https://github.com/AdaL", None, Handle("github", "adal")),
        ("https://ada.example.org/about/", None, Handle("web", "ada.example.org/about")),
        ("Ada@Example.com", None, Handle("email", "ada@example.com")),
        ("+44 20 7946 0958", "phone", Handle("phone", "+442079460958")),
        ("Ada Lovelace Fan", "forum", None),
        ("AdaL", "mastodon", Handle("mastodon", "adal")),
    ],
)
def test_parse_handle(raw: str, platform: str | None, expected: Handle | None) -> None:
    if expected is None:
        with pytest.raises(InputError, match="without spaces"):
            parse_handle(raw, platform)
    else:
        assert parse_handle(raw, platform) == expected


@pytest.mark.parametrize(
    ("raw", "platform", "message"),
    [
        ("a_handle_that_is_far_too_long", "twitter", "twitter handle of 1-15"),
        ("ada", None, "give a platform or a profile URL"),
        ("https://x.com/search?q=ada", None, "twitter profile URL"),
        ("https://www.linkedin.com/company/acme", None, "linkedin.com/in/<name>"),
        ("https://github.com/ada", "twitter", "expected a twitter handle or profile URL, got a github URL"),
        ("ada", "My Platform!", "expected a platform such as"),
        ("https://facebook.com/profile.php?id=abc", None, "profile.php?id=<number>"),
    ],
)
def test_bad_handles_say_what_was_expected(raw: str, platform: str | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_handle(raw, platform)
    assert message in caught.value.reason


handles = st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True)


@given(
    handle=handles,
    host=st.sampled_from(["x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"]),
    scheme=st.sampled_from(["https://", "http://", ""]),
    at=st.booleans(),
    slash=st.booleans(),
)
def test_every_twitter_form_gives_the_same_key(handle: str, host: str, scheme: str, at: bool, slash: bool) -> None:
    if handle.lower() in {"home", "i", "intent", "search", "hashtag", "share", "explore", "settings", "notifications"}:
        return
    bare = parse_handle(("@" if at else "") + handle, "twitter")
    url = parse_handle(f"{scheme}{host}/{handle}{'/' if slash else ''}", None)
    assert bare == url == Handle("twitter", handle.lower())
    assert parse_handle(bare.key, "twitter") == bare  # idempotent


# -- names and locations ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "full", "given", "family", "key"),
    [
        ("Dr. Ada Lovelace", "Ada Lovelace", "Ada", "Lovelace", "ada lovelace"),
        ("Lovelace, Ada", "Ada Lovelace", "Ada", "Lovelace", "ada lovelace"),
        ("Mr John  Q. Smith Jr.", "John Q. Smith", "John", "Smith", "john q. smith"),
        ("José Müller", "José Müller", "José", "Müller", "jose muller"),
        ("Jose\u0301 Mu\u0308ller", "José Müller", "José", "Müller", "jose muller"),  # decomposed accents -> NFC
        ("Łukasz Żółć", "Łukasz Żółć", "Łukasz", "Żółć", "lukasz zolc"),
        ("Prof. Dr. Marie Curie PhD", "Marie Curie", "Marie", "Curie", "marie curie"),
    ],
)
def test_names(raw: str, full: str, given: str, family: str, key: str) -> None:
    name = normalize_name(raw)
    assert (name.full, name.given, name.family, name.key) == (full, given, family, key)


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_name_key_is_stable_and_folded(raw: str) -> None:
    name = normalize_name(raw)
    assert name.key == fold(name.full)
    assert fold(name.key) == name.key  # folding is idempotent
    assert "  " not in name.full and name.full == name.full.strip()


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("  London,   UK ", "London, UK"), ("", None), ("   ", None), (None, None), ("São Paulo", "São Paulo")],
)
def test_locations_are_trimmed_and_kept(raw: str | None, kept: str | None) -> None:
    assert normalize_location(raw) == kept
