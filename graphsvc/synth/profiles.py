"""Social accounts and email sign-ups of each person, with the noise and the evidence real profiles carry.

Evidence that links an account to its person is what real profiles show: the same
username elsewhere, a Gravatar shared with an email address, a personal website, a
'also on x.com/...' in the bio, the name with the city, the employer. Noise hides
some of it (nicknames, typos, missing fields, default avatars shared by thousands).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from graphsvc.synth.catalog import TECH_TOPICS, TOPICS
from graphsvc.synth.emails import Mailboxes, PersonMail, gravatar
from graphsvc.synth.handles import SOCIAL_PLATFORMS, Registry, Style, present, slug, styles_of
from graphsvc.synth.noise import display_name, location_text, written_name
from graphsvc.synth.people import Community, Person
from graphsvc.synth.records import Account, Email

__all__ = ["DEFAULT_AVATARS", "Profiles", "iso", "make_profiles", "profile_url"]

#: Avatars shared by everyone who never uploaded a picture: equal URLs that say nothing.
DEFAULT_AVATARS = (
    "https://abs.twimg.com/sticky/default_profile_images/default_profile_400x400.png",
    "https://forum.example.com/images/avatar-default.png",
)
_JOIN = {"twitter": 0.42, "facebook": 0.45, "linkedin": 0.22, "instagram": 0.38, "github": 0.05, "forum": 0.18}
_EMAIL_ROWS = (0.28, 0.47, 0.2, 0.05)  # share of people with 0, 1, 2, 3 addresses seen at sign-ups
_BIO = {"twitter": 0.7, "instagram": 0.5, "github": 0.45, "facebook": 0.2, "forum": 0.3, "linkedin": 0.9}
_LOCATION = {"twitter": 0.7, "instagram": 0.3, "github": 0.5, "facebook": 0.6, "forum": 0.4, "linkedin": 0.95}
_PROFILE_URL = {
    "twitter": "x.com/{}",
    "instagram": "instagram.com/{}",
    "github": "github.com/{}",
    "linkedin": "linkedin.com/in/{}",
    "facebook": "facebook.com/{}",
}
_EXTRA_TOPICS = ("travel", "coffee", "books", "photography", "football", "dogs")  # what anyone may also like
_ASIDES = (
    "Views my own.",
    "Dog person.",
    "Coffee first.",
    "Dad of two.",
    "Mum of three.",
    "Always learning.",
    "Opinions are mine.",
    "She/her.",
    "He/him.",
    "Tea > coffee.",
)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with 'Z', to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def profile_url(platform: str, key: str) -> str:
    """How a profile is linked in a bio ('' for platforms without profile URLs)."""
    if platform == "facebook" and key.isdigit():
        return f"facebook.com/profile.php?id={key}"
    return _PROFILE_URL[platform].format(key) if platform in _PROFILE_URL else ""


@dataclass
class Profiles:
    accounts: list[Account]
    by_person: list[list[int]]  # person index -> indexes into accounts
    mail: list[PersonMail]


def _platforms(rng: random.Random, person: Person, topics: tuple[str, ...]) -> list[str]:
    chosen = []
    for platform in SOCIAL_PLATFORMS:
        chance = _JOIN[platform]
        if platform == "linkedin" and person.company:
            chance += 0.25
        if platform == "github" and TECH_TOPICS.intersection(topics):
            chance += 0.45
        if rng.random() < chance:
            chosen.append(platform)
    if person.role != "regular":  # public figures are where their audience is
        chosen = [p for p in SOCIAL_PLATFORMS if p in chosen or p in {"twitter", "instagram"}]
    return chosen


def _bio(rng: random.Random, person: Person, platform: str, topics: tuple[str, ...]) -> str:
    if rng.random() >= _BIO[platform]:
        return ""
    topic, other = topics[0], rng.choice(topics[1:] or _EXTRA_TOPICS)
    work = f"{person.title} at {person.company}" if person.company else ""
    if platform == "linkedin":
        return (
            (work if rng.random() < 0.6 else f"{work} | #{topic}")
            if work and rng.random() < 0.8
            else f"{person.title or 'Freelancer'} | {topic} · {other}"
        )
    thing = rng.choice(TOPICS[topic])
    pieces = [
        rng.choice(
            (
                f"{topic.capitalize()} enthusiast.",
                f"Into #{topic} and #{other}.",
                f"{topic} · {other}",
                f"Loves a good {thing}.",
                f"{thing.capitalize()} every weekend.",
            )
        )
    ]
    if work and rng.random() < 0.35:
        pieces.append(rng.choice((f"{person.title} @ {person.company}.", f"{work}.", f"Working at {person.company}.")))
    if rng.random() < 0.15:
        pieces.append(f"Based in {person.city.name}.")
    if rng.random() < 0.25:
        pieces.append(rng.choice(_ASIDES))
    rng.shuffle(pieces)
    return " ".join(pieces)


def _avatar(rng: random.Random, platform: str, key: str, shared: str, website: str) -> str:
    draw = rng.random()
    if website and draw < 0.1:
        return f"{website}/me.jpg"
    if platform in {"github", "forum"} and draw < 0.55:
        return shared  # both use Gravatar: the same URL as the person's email
    if platform == "forum" and draw < 0.75:
        return DEFAULT_AVATARS[1]
    if platform == "twitter" and draw < 0.08:
        return DEFAULT_AVATARS[0]
    if draw > 0.93:
        return ""
    code = f"{rng.getrandbits(64):016x}"
    return {
        "twitter": f"https://pbs.twimg.com/profile_images/{rng.getrandbits(60)}/{code[:8]}_400x400.jpg",
        "instagram": f"https://scontent.cdninstagram.com/v/t51.2885-19/{rng.getrandbits(40)}_{code}_n.jpg",
        "facebook": f"https://graph.facebook.com/{key}/picture?type=large",
        "linkedin": f"https://media.licdn.com/dms/image/C4E03AQ{code}/profile-displayphoto-shrink_400_400/0/",
        "github": f"https://avatars.githubusercontent.com/u/{rng.randrange(10**5, 10**8)}?v=4",
        "forum": f"https://forum.example.com/user_avatar/{key}/120.png",
    }[platform]


def _social(
    rng: random.Random,
    person: Person,
    platform: str,
    key: str,
    topics: tuple[str, ...],
    shared: str,
    website: str,
    stamp: Callable[[], str],
) -> Account:
    stale = person.old_city is not None and rng.random() < 0.5
    city = person.old_city if stale and person.old_city else person.city
    return Account(
        person=person.index,
        platform=platform,
        key=key,
        raw=present(rng, platform, key),
        display_name=display_name(rng, person, platform, topics[0]),
        bio=_bio(rng, person, platform, topics),
        location=location_text(rng, city, person.locale, platform) if rng.random() < _LOCATION[platform] else "",
        url=website if website and rng.random() < 0.45 else "",
        avatar=_avatar(rng, platform, key, shared, website),
        lang=person.locale.lang if rng.random() < 0.7 else ("" if rng.random() < 0.67 else "en"),
        updated_at=stamp(),
    )


def _email_row(rng: random.Random, person: Person, email: Email, stamp: Callable[[], str]) -> Account:
    draw = rng.random()
    if draw < 0.55:
        given, family = written_name(rng, person, nickname=0.15, accents=0.2, typos=0.03)
        name = f"{given} {family}"
    else:
        name = person.given if draw < 0.65 else ""
    return Account(
        person=person.index,
        platform="email",
        key=email.address,
        raw=email.raw,
        match_key=email.match_key,
        display_name=name,
        location=location_text(rng, person.city, person.locale, "email") if rng.random() < 0.15 else "",
        avatar=gravatar(email.address) if rng.random() < 0.4 else "",
        lang=person.locale.lang if rng.random() < 0.5 else "",
        updated_at=stamp(),
    )


def _cross_links(rng: random.Random, accounts: list[Account]) -> None:
    """'also on x.com/jsmith' in a bio, or a profile as the website: people point to their other accounts."""
    social = [a for a in accounts if a.platform != "email"]
    for account in social:
        others = [a for a in social if a is not account and profile_url(a.platform, a.key)]
        if not others:
            continue
        if rng.random() < 0.1:
            target = rng.choice(others)
            account.bio = f"{account.bio} also on {profile_url(target.platform, target.key)}".strip()
            account.links.append(target.ref)
        elif not account.url and rng.random() < 0.06:
            target = rng.choice(others)
            account.url = f"https://{profile_url(target.platform, target.key)}"
            account.links.append(target.ref)


def make_profiles(
    rng: random.Random,
    people: list[Person],
    communities: list[Community],
    reference: datetime,
    progress: Callable[[int], None],
) -> Profiles:
    """Every person's accounts on the social platforms and their email rows, each key unique per platform."""
    registry, mailboxes, websites = Registry(), Mailboxes(), set[str]()
    accounts: list[Account] = []
    by_person: list[list[int]] = []
    mails: list[PersonMail] = []
    partner_of = {p.partner: p.index for p in people if p.partner >= 0}  # owner of a household email -> partner

    def stamp() -> str:
        return iso(reference - timedelta(seconds=rng.randrange(3600, 700 * 86400)))

    for person in people:
        topics = communities[person.community].topics
        styles = styles_of(rng, person)
        partner = people[partner_of[person.index]] if person.index in partner_of else None
        mail = mailboxes.for_person(rng, person, styles, partner)
        website = _website(rng, person, styles[0], websites) if rng.random() < 0.15 else ""
        shared = gravatar(mail.personal.address)
        own: list[Account] = []
        for platform in _platforms(rng, person, topics):
            key = _key(rng, registry, person, platform, styles)
            own.append(_social(rng, person, platform, key, topics, shared, website, stamp))
        _cross_links(rng, own)
        rows = rng.choices(range(len(_EMAIL_ROWS)), weights=_EMAIL_ROWS)[0]
        if not own and rows == 0 and rng.random() < 0.5:
            rows = 1  # people with no account at all are rare (the others are known from a CRM only)
        candidates = mail.all()
        for email in [mail.personal, *rng.sample(candidates[1:], min(len(candidates) - 1, rows))][:rows]:
            own.append(_email_row(rng, person, email, stamp))
        by_person.append(list(range(len(accounts), len(accounts) + len(own))))
        accounts.extend(own)
        mails.append(mail)
        if person.index % 2000 == 1999:
            progress(person.index + 1)
    return Profiles(accounts, by_person, mails)


def _key(rng: random.Random, registry: Registry, person: Person, platform: str, styles: list[Style]) -> str:
    if platform == "facebook" and rng.random() < 0.1:
        return registry.claim_numeric_facebook(rng)
    style = styles[0] if rng.random() < 0.65 else rng.choice(styles[1:])
    if platform == "linkedin" and rng.random() < 0.45:  # LinkedIn's default: first-last-<hex>
        given, family = slug(person.given.split()[0]), slug(person.surname)
        style = Style((given, family), "-", f"-{rng.getrandbits(32):08x}" if rng.random() < 0.8 else "")
    return registry.claim(rng, platform, style)


def _website(rng: random.Random, person: Person, style: Style, taken: set[str]) -> str:
    base = "".join(p for p in style.parts if p) or slug(person.family) or "home"
    for attempt in range(50):
        name = base if attempt == 0 else f"{base}{rng.randrange(10, 10 ** (2 + attempt // 10))}"
        site = f"https://{name}.{rng.choice(('dev', 'me', 'io', 'com', 'net'))}"
        if site not in taken:
            taken.add(site)
            return site
    return ""
