"""What synthetic people talk about: topics (hashtags) and the fictional brands they mention.

A topic is a hashtag as the importer stores it (lower-case ASCII, no '#', no '-'),
so a community's topics and the hashtags of its posts are the same strings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BRANDS", "TECH_TOPICS", "TOPICS", "Brand"]


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    products: tuple[str, ...]
    category: str  # what people ask for when they want one: 'anyone recommend a good {category}?'
    purposes: tuple[str, ...]  # ... 'for {purpose}?'
    topics: tuple[str, ...]  # communities where it is talked about most
    mood: tuple[float, float, float]  # share of positive, negative, neutral posts about it


#: The tracked brands. Their mood is the planted truth a sentiment roll-up should find again.
BRANDS: tuple[Brand, ...] = (
    Brand(
        "Acme",
        ("Acme Rocket", "Acme Trail Pro"),
        "running shoe",
        ("marathon training", "trail runs"),
        ("running", "marathon", "triathlon", "hiking", "crossfit", "fitness"),
        (0.60, 0.15, 0.25),
    ),
    Brand(
        "Globex",
        ("Globex Cloud", "Globex Functions"),
        "cloud provider",
        ("a small SaaS", "side projects"),
        ("devops", "cloud", "kubernetes", "python", "webdev", "opensource"),
        (0.30, 0.40, 0.30),
    ),
    Brand(
        "Initech",
        ("Initech CRM", "Initech Sales Hub"),
        "CRM",
        ("a small bakery", "a ten-person sales team"),
        ("sales", "marketing", "startups", "ecommerce", "productmanagement"),
        (0.35, 0.35, 0.30),
    ),
    Brand(
        "Hooli",
        ("Hooli Phone 9", "Hooli Buds"),
        "phone",
        ("travel photos", "a teenager"),
        ("photography", "gaming", "podcasts", "travel"),
        (0.45, 0.25, 0.30),
    ),
    Brand(
        "Vandelay",
        ("Vandelay Espresso", "Vandelay Grinder"),
        "espresso machine",
        ("a small office", "home use"),
        ("coffee", "baking", "foodie", "veganfood"),
        (0.55, 0.15, 0.30),
    ),
    Brand(
        "Oceanic",
        ("Oceanic Airlines", "Oceanic Miles"),
        "airline",
        ("a trip to Lisbon", "long flights with kids"),
        ("travel", "photography", "surfing"),
        (0.20, 0.55, 0.25),
    ),
)

#: topic -> things people do or talk about in it (fills '{thing}' in post templates).
TOPICS: dict[str, tuple[str, ...]] = {
    "devops": ("deploy", "on-call shift"),
    "python": ("Python sprint", "refactor"),
    "javascript": ("JS meetup", "build"),
    "rustlang": ("Rust workshop", "borrow checker session"),
    "kubernetes": ("cluster upgrade", "k8s meetup"),
    "machinelearning": ("model training run", "ML reading group"),
    "datascience": ("data sprint", "dashboard"),
    "cloud": ("migration", "cloud summit"),
    "cybersecurity": ("CTF", "security audit"),
    "opensource": ("release", "hackathon"),
    "webdev": ("redesign", "launch"),
    "gamedev": ("game jam", "playtest"),
    "running": ("morning run", "10k"),
    "marathon": ("long run", "marathon"),
    "cycling": ("ride", "climb"),
    "triathlon": ("brick workout", "triathlon"),
    "yoga": ("yoga class", "retreat"),
    "crossfit": ("WOD", "workout"),
    "climbing": ("bouldering session", "climb"),
    "hiking": ("hike", "trail"),
    "football": ("match", "derby"),
    "basketball": ("game", "pickup game"),
    "tennis": ("match", "tournament"),
    "surfing": ("surf session", "swell"),
    "skiing": ("ski day", "trip to the Alps"),
    "fitness": ("gym session", "workout"),
    "veganfood": ("vegan dinner", "recipe"),
    "baking": ("sourdough bake", "cake"),
    "coffee": ("pour-over", "flat white"),
    "homebrewing": ("brew day", "IPA batch"),
    "wine": ("tasting", "vineyard tour"),
    "foodie": ("dinner", "food market"),
    "travel": ("trip", "flight"),
    "photography": ("photo walk", "shoot"),
    "parenting": ("school run", "family day"),
    "fashion": ("fashion week", "new collection"),
    "skincare": ("routine", "new serum"),
    "gardening": ("allotment day", "harvest"),
    "diy": ("weekend project", "renovation"),
    "woodworking": ("workbench build", "woodworking class"),
    "sustainability": ("climate talk", "repair cafe"),
    "books": ("book club", "new novel"),
    "film": ("premiere", "film festival"),
    "jazz": ("jazz night", "gig"),
    "indiemusic": ("concert", "new album"),
    "gaming": ("raid", "new release"),
    "anime": ("new season", "convention"),
    "chess": ("blitz tournament", "opening prep"),
    "podcasts": ("new episode", "recording session"),
    "marketing": ("campaign", "launch plan"),
    "startups": ("pitch", "demo day"),
    "sales": ("quarter close", "sales call"),
    "ecommerce": ("flash sale", "shop relaunch"),
    "personalfinance": ("budget review", "savings plan"),
    "investing": ("portfolio review", "earnings call"),
    "productmanagement": ("roadmap review", "user interviews"),
    "uxdesign": ("usability test", "design review"),
    "dogs": ("walk in the park", "puppy class"),
    "cats": ("vet visit", "cat cafe"),
    "birding": ("bird walk", "migration count"),
}

#: Topics whose people are likely to have a GitHub account.
TECH_TOPICS = frozenset(
    {
        "devops",
        "python",
        "javascript",
        "rustlang",
        "kubernetes",
        "machinelearning",
        "datascience",
        "cloud",
        "cybersecurity",
        "opensource",
        "webdev",
        "gamedev",
    }
)
