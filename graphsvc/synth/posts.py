"""Posts and the influence model: who replies to, shares and mentions whom.

Posts are made in time order over ``WINDOW_DAYS`` before the reference date. A reply or
share goes to an earlier post on the same platform: with probability ``TO_INFLUENCER``
to a recent post of a true influencer (drawn by strength, preferably of the author's
community), otherwise to a recent post of a peer. Celebrities are followed a lot
(see social.py) but are engaged with only as peers. Each post's sentiment label is
drawn first and its text made from templates of that label (texts.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from graphsvc.synth.catalog import BRANDS, TOPICS, Brand
from graphsvc.synth.people import Community, Person
from graphsvc.synth.profiles import Profiles, iso
from graphsvc.synth.social import MIXING
from graphsvc.synth.texts import (
    HARD_SHARE,
    LOCAL_LANGS,
    LOCAL_SHARE,
    brand_text,
    local_text,
    question_text,
    reply_text,
    topic_text,
)

__all__ = ["POSTING", "Post", "make_posts"]

WINDOW_DAYS = 120
POSTS_PER_PERSON = 2.0
#: Platforms people post on, with how much of their posting goes there.
POSTING = {"twitter": 3.0, "instagram": 2.0, "facebook": 2.0, "linkedin": 1.0, "forum": 1.0}
REPLY, SHARE, QUESTION, BRANDED = 0.25, 0.12, 0.07, 0.2
TO_INFLUENCER = {"reply": 0.55, "share": 0.65, "mention": 0.6}
_RECENT = 400  # replies and shares go to one of the last posts of a community on a platform
_AT_PLATFORMS = {"twitter", "instagram", "forum"}  # where '@handle' is how you address someone
_GENERIC_TAGS = ("mondaymotivation", "tbt", "weekend", "smallbusiness")


@dataclass(slots=True)
class Post:
    platform: str
    post_id: str
    account: int  # index into profiles.accounts
    created_at: str
    text: str
    lang: str
    url: str
    reply_to: int = -1  # index into posts
    share_of: int = -1
    mentions: list[int] = field(default_factory=list)  # account indexes
    hashtags: list[str] = field(default_factory=list)
    sentiment: str = "neutral"
    brand: str = ""


class _Ids:
    """Post ids in each platform's shape, unique by construction (counter through a bijection)."""

    def __init__(self) -> None:
        self.count = dict.fromkeys(POSTING, 0)

    def new(self, platform: str, author: str, epoch_ms: int) -> tuple[str, str]:
        n = self.count[platform]
        self.count[platform] = n + 1
        if platform == "twitter":
            pid = str(((epoch_ms - 1288834974657) << 22) | n)
            return pid, f"https://x.com/{author}/status/{pid}"
        if platform == "linkedin":
            pid = str(((epoch_ms - 1262304000000) << 22) | n)
            return pid, f"https://www.linkedin.com/feed/update/urn:li:activity:{pid}/"
        if platform == "facebook":
            pid = str(100_000_000_000_000 + (n * 104729) % 900_000_000_000_000)
            return pid, f"https://www.facebook.com/{author}/posts/{pid}"
        if platform == "instagram":
            value, code = (n * 0x9E3779B97F4A7C15 + 12345) % 2**64, ""
            for _ in range(11):
                value, digit = divmod(value, 64)
                code += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[digit]
            return code, f"https://www.instagram.com/p/{code}/"
        pid = str(10_000 + n)
        return pid, f"https://forum.example.com/p/{pid}"


@dataclass
class _Audience:
    """Influencer accounts per platform (and per platform and community), weighted by strength."""

    accounts: dict[tuple[str, int], tuple[list[int], list[float]]]  # (platform, community or -1)

    def pick(self, rng: random.Random, platform: str, community: int) -> int:
        pool = self.accounts.get((platform, community)) if rng.random() < 0.5 else None
        pool = pool or self.accounts.get((platform, -1))
        return rng.choices(pool[0], cum_weights=pool[1])[0] if pool else -1


def _audience(people: list[Person], profiles: Profiles) -> _Audience:
    groups: dict[tuple[str, int], list[int]] = {}
    for person in people:
        if person.role != "influencer":
            continue
        for index in profiles.by_person[person.index]:
            platform = profiles.accounts[index].platform
            if platform in POSTING:
                groups.setdefault((platform, -1), []).append(index)
                groups.setdefault((platform, person.community), []).append(index)
    weights = {
        key: (ids, list(accumulate(people[profiles.accounts[i].person].strength for i in ids)))
        for key, ids in sorted(groups.items())
    }
    return _Audience(weights)


def _schedule(rng: random.Random, people: list[Person], profiles: Profiles) -> list[tuple[int, int]]:
    """(second in the window, author account) of every post, in time order."""
    posting = [[i for i in own if profiles.accounts[i].platform in POSTING] for own in profiles.by_person]
    activity = [0.0] * len(people)
    for person in people:
        if posting[person.index]:
            boost = {"influencer": 10.0 + person.strength / 2, "celebrity": 4.0}.get(person.role, 1.0)
            activity[person.index] = rng.lognormvariate(-0.5, 1.0) * boost
    total = sum(activity) or 1.0
    target = POSTS_PER_PERSON * len(people)
    window = WINDOW_DAYS * 86400
    slots: list[tuple[int, int]] = []
    for person in people:
        own = posting[person.index]
        if not own:
            continue
        expected = target * activity[person.index] / total
        count = int(expected) + (rng.random() < expected - int(expected))
        weights = [POSTING[profiles.accounts[i].platform] for i in own]
        for account in rng.choices(own, weights=weights, k=count):
            slots.append((rng.randrange(window), account))
    slots.sort()
    return slots


def _label(rng: random.Random, mood: float, brand: Brand | None) -> str:
    if brand is not None and rng.random() < 0.7:
        pos, neg, _ = brand.mood
    else:
        pos, neg = min(0.8, max(0.1, 0.4 + 0.3 * mood)), min(0.6, max(0.05, 0.2 - 0.2 * mood))
    draw = rng.random()
    return "positive" if draw < pos else ("negative" if draw < pos + neg else "neutral")


def make_posts(
    rng: random.Random,
    people: list[Person],
    communities: list[Community],
    profiles: Profiles,
    reference: datetime,
    progress: Callable[[int], None],
) -> tuple[list[Post], list[int]]:
    """The posts in time order, and per person the engagement (replies, shares, mentions) they received."""
    accounts, audience, ids = profiles.accounts, _audience(people, profiles), _Ids()
    start = reference - timedelta(days=WINDOW_DAYS)
    start_ms = int(start.timestamp() * 1000)
    recent: dict[tuple[str, int], list[int]] = {}  # (platform, community) -> post indexes
    latest: dict[int, list[int]] = {}  # account -> its post indexes
    peers: dict[tuple[str, int], list[int]] = {}  # (platform, community) -> accounts
    for index, account in enumerate(accounts):
        if account.platform in POSTING:
            peers.setdefault((account.platform, people[account.person].community), []).append(index)
    affinity = {c.index: [b for b in BRANDS if set(b.topics) & set(c.topics)] for c in communities}
    received = [0] * len(people)
    posts: list[Post] = []

    def engage(kind: str, platform: str, community: int, author: int) -> int:
        """A target post for a reply or share: an influencer's recent post or a peer's."""
        if rng.random() < TO_INFLUENCER[kind]:
            chosen = audience.pick(rng, platform, community)
            mine = latest.get(chosen)
            if mine and accounts[chosen].person != author:
                return mine[-1 - rng.randrange(min(3, len(mine)))]
        pool = recent.get((platform, community)) if rng.random() < 1 - MIXING else None
        pool = pool or recent.get((platform, -1))
        if not pool:
            return -1
        target = pool[-1 - rng.randrange(min(_RECENT, len(pool)))]
        return target if accounts[posts[target].account].person != author else -1

    def mention(platform: str, community: int, author: int) -> int:
        chosen = audience.pick(rng, platform, community) if rng.random() < TO_INFLUENCER["mention"] else -1
        if chosen < 0:
            pool = peers.get((platform, community), [])
            chosen = rng.choice(pool) if pool else -1
        return chosen if chosen >= 0 and accounts[chosen].person != author else -1

    for seq, (second, author_index) in enumerate(_schedule(rng, people, profiles)):
        author = accounts[author_index]
        person = people[author.person]
        platform, community = author.platform, person.community
        post_id, url = ids.new(platform, author.key, start_ms + second * 1000 + rng.randrange(1000))
        post = Post(platform, post_id, author_index, iso(start + timedelta(seconds=second)), "", "en", url)
        draw = rng.random()
        target = (
            engage("reply" if draw < REPLY else "share", platform, community, person.index)
            if draw < REPLY + SHARE
            else -1
        )
        if target >= 0 and draw < REPLY:
            post.reply_to, post.sentiment = target, _label(rng, person.mood, None)
            addressee = accounts[posts[target].account]
            prefix = f"@{addressee.key} " if platform in _AT_PLATFORMS else ""
            post.text = prefix + reply_text(rng, post.sentiment)
        elif target >= 0:
            original = posts[target]
            post.share_of, post.sentiment, post.brand = target, original.sentiment, original.brand
            post.lang, post.hashtags = original.lang, list(original.hashtags)
            shown = accounts[original.account].key
            post.text = f"RT @{shown}: {original.text}" if platform == "twitter" else original.text
        else:
            _original(rng, post, person, communities[community], affinity[community])
            for _ in range(rng.choices((0, 1, 2), weights=(0.7, 0.22, 0.08))[0]):
                chosen = mention(platform, community, person.index)
                if chosen >= 0 and chosen not in post.mentions:
                    post.mentions.append(chosen)
                    post.text += f" cc @{accounts[chosen].key}"
        if post.reply_to >= 0 or post.share_of >= 0:
            received[accounts[posts[max(post.reply_to, post.share_of)].account].person] += 1
        for chosen in post.mentions:
            received[accounts[chosen].person] += 1
        index = len(posts)
        posts.append(post)
        recent.setdefault((platform, community), []).append(index)
        recent.setdefault((platform, -1), []).append(index)
        latest.setdefault(author_index, []).append(index)
        if seq % 5000 == 4999:
            progress(seq + 1)
    return posts, received


def _original(rng: random.Random, post: Post, person: Person, community: Community, affine: list[Brand]) -> None:
    """An original post: a question, a brand post or a topic post, with hashtags."""
    topics = community.topics
    thing = rng.choice(TOPICS[topics[0]])
    brand = rng.choice(affine) if affine and rng.random() < 0.7 else rng.choice(BRANDS)
    product = rng.choice(brand.products)
    draw, hard = rng.random(), rng.random() < HARD_SHARE
    if person.locale.lang in LOCAL_LANGS and rng.random() < LOCAL_SHARE:
        post.sentiment = _label(rng, person.mood, brand)
        post.text, named = local_text(rng, person.locale.lang, post.sentiment, brand.name, product, person.city.name)
        post.lang, post.brand = person.locale.lang, brand.name if named else ""
    elif draw < QUESTION:
        named = rng.random() < 0.4
        post.text = question_text(rng, brand.category, rng.choice(brand.purposes), brand.name, product, named=named)
        post.sentiment, post.brand = "neutral", brand.name if named else ""
    elif draw < QUESTION + BRANDED:
        post.sentiment, post.brand = _label(rng, person.mood, brand), brand.name
        post.text = brand_text(
            rng, post.sentiment, brand.name, product, brand.category, thing, person.city.name, hard=hard
        )
    else:
        post.sentiment = _label(rng, person.mood, None)
        post.text = topic_text(rng, post.sentiment, thing, person.city.name, hard=hard)
    tags = [t for i, t in enumerate(topics) if rng.random() < (0.6 if i == 0 else 0.35)]
    if post.brand and rng.random() < 0.15:
        tags.append(post.brand.lower())
    if rng.random() < 0.05:
        tags.append(rng.choice(_GENERIC_TAGS))
    post.hashtags = list(dict.fromkeys(tags))
    if post.hashtags:
        post.text += " " + " ".join(f"#{t}" for t in post.hashtags)
