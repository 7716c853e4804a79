"""Post texts whose sentiment is known: templates of clear positive, negative and neutral phrasing.

Most templates use plain sentiment words a lexicon model (VADER) reads correctly; the
``HARD`` ones are what trips such models up on purpose (sarcasm, slang, negation,
emotive words in neutral statements), labelled as a person would read them. A few
posts are in the author's own language. Placeholders: {thing} (a topic activity),
{product}, {brand}, {category}, {purpose}, {city}.
"""

from __future__ import annotations

import random

__all__ = [
    "HARD_SHARE",
    "LOCAL_LANGS",
    "LOCAL_SHARE",
    "brand_text",
    "local_text",
    "question_text",
    "reply_text",
    "topic_text",
]

HARD_SHARE = 0.08  # of labelled originals and replies
LOCAL_SHARE = 0.15  # of posts by people whose language is not English

_TOPIC = {
    "positive": (
        "What a great {thing} today! Feeling fantastic.",
        "Loved every minute of the {thing} this morning 😊",
        "So happy with how the {thing} turned out, best one yet!",
        "Huge thanks to everyone at the {thing}, you were awesome.",
        "Really excited about the {thing} this weekend!",
        "Beautiful {thing} in {city} today. Grateful.",
        "Proud of this {thing}. Good people, good vibes.",
        "Best {thing} of the year, what a joy.",
    ),
    "negative": (
        "Awful {thing} today, everything went wrong.",
        "Really disappointed with the {thing}. What a waste of time.",
        "Terrible {thing} this morning, I hate when this happens.",
        "Ugh, the {thing} was a disaster. So frustrated.",
        "Worst {thing} in ages. Tired and angry.",
        "Sad news: the {thing} in {city} got cancelled. Gutted.",
        "The {thing} was a painful mess, never again.",
    ),
    "neutral": (
        "Heading to the {thing} at 7pm.",
        "Notes from today's {thing}: three sessions, two breaks.",
        "The {thing} starts on Monday; registration closes Friday.",
        "Reading up on the {thing} tonight.",
        "Anyone else going to the {thing} in {city} on Saturday?",
        "Moved the {thing} to Thursday this week.",
        "Day 12 of the {thing} log.",
    ),
}
_BRAND = {
    "positive": (
        "Just got the {product} and I absolutely love it!",
        "The {product} is brilliant. Best purchase this year.",
        "Shout out to {brand} support, super helpful and friendly.",
        "Impressed by the new {product}, works perfectly.",
        "The {product} made my {thing} so much better. Highly recommend!",
        "{brand} nailed it again, the {product} is excellent.",
        "Love my {product}. Happy customer of {brand} for years.",
    ),
    "negative": (
        "My {product} broke after two weeks. Terrible quality.",
        "Worst customer service ever from {brand}. Never buying again.",
        "The {product} update is awful, everything is slow and buggy.",
        "Really disappointed with {brand}, they cancelled my order twice.",
        "The {product} keeps failing. So annoying and useless.",
        "Returned the {product}. Horrible experience with {brand}.",
        "{brand} charged me twice and support ignores me. Angry.",
    ),
    "neutral": (
        "{brand} announced a new version of the {product} today.",
        "The {product} ships in three colours: black, white and grey.",
        "Switched from my old {category} to the {product} last week.",
        "{brand} will open a store in {city} next month.",
        "Using the {product} for the {thing} this week.",
        "{brand} moved its event to June.",
    ),
}
_QUESTIONS = (
    "Anyone recommend a good {category} for {purpose}?",
    "Looking for a new {category} for {purpose}. Suggestions?",
    "Which {category} do you use for {purpose}?",
    "Any tips for choosing a {category}? Budget around 200.",
    "Need a {category} for {purpose}, what should I look at?",
)
_BRAND_QUESTIONS = (
    "Is the {product} worth it for {purpose}?",
    "Thinking about the {product} for {purpose}. Anyone tried it?",
    "{brand} or something else for {purpose}? Which {category} would you pick?",
)
_REPLY = {
    "positive": (
        "totally agree, great point!",
        "love this, thanks for sharing 🙌",
        "congrats, well deserved!",
        "this is brilliant, thank you.",
        "so good! Happy for you.",
    ),
    "negative": (
        "sorry but this is just wrong.",
        "that's awful, hope it gets fixed.",
        "terrible advice honestly.",
        "this is so disappointing.",
        "ugh, same problem here. Hate it.",
    ),
    "neutral": (
        "what time does it start?",
        "which one did you get?",
        "source?",
        "is it on again next week?",
        "how long did it take?",
    ),
}
# Read by people as labelled; a lexicon model tends to read them the other way (or as neutral).
_HARD = {
    "negative": (
        "Oh great, the {product} died again right before my {thing}. Just perfect. 🙄",
        "Wow, {brand} lost my order a third time. Amazing service, really.",
        "Love waiting 45 minutes on hold with {brand}. Best part of my day.",
        "Thanks {brand}, the new {product} update deleted all my settings. Brilliant.",
    ),
    "positive": (
        "Not gonna lie, the {product} is not bad at all.",
        "the {product} is sick 🔥🔥",
        "This {product} slaps.",
        "Can't complain about the {product}, no problems whatsoever.",
        "{brand} killed it with the {product}.",
    ),
    "neutral": (
        "Reviewing 'The Good, the Bad and the Ugly' for the {thing} club on Friday.",
        "Panel on {product}: love it or hate it? Thursday 6pm in {city}.",
        "Poll: is the {product} great, terrible or fine?",
    ),
}
_HARD_TOPIC = {
    "negative": (
        "Great, rain again for the {thing}. Just what I needed. 🙄",
        "Fantastic, the {thing} got moved for the third time.",
    ),
    "positive": ("That {thing} was sick!", "Not bad at all, that {thing}.", "No complaints about the {thing}, none."),
    "neutral": ("Talk tonight: 'The good, the bad and the ugly of the {thing}'.",),
}
_LOCAL = {
    "de": {
        "positive": ("Ich liebe mein neues {product}, einfach super!", "Toller Tag heute, bin total glücklich."),
        "negative": ("Mein {product} ist schon wieder kaputt. Echt enttäuschend.", "Was für ein schrecklicher Tag."),
        "neutral": ("Morgen gibt es ein Treffen in {city}.", "{brand} stellt nächste Woche das neue {product} vor."),
    },
    "fr": {
        "positive": ("J'adore mon nouveau {product}, génial !", "Super journée aujourd'hui, trop content."),
        "negative": ("Mon {product} est encore en panne. Très déçu.", "Quelle journée horrible."),
        "neutral": ("Réunion demain à {city}.", "{brand} présente le nouveau {product} la semaine prochaine."),
    },
    "es": {
        "positive": ("¡Me encanta mi nuevo {product}, genial!", "Un día estupendo, muy feliz."),
        "negative": ("Mi {product} se ha roto otra vez. Qué decepción.", "Qué día tan horrible."),
        "neutral": ("Mañana hay una reunión en {city}.", "{brand} presenta el nuevo {product} la semana que viene."),
    },
    "it": {
        "positive": ("Adoro il mio nuovo {product}, fantastico!", "Giornata bellissima, sono felice."),
        "negative": ("Il mio {product} si è rotto di nuovo. Che delusione.", "Che giornata orribile."),
        "neutral": ("Domani c'è un incontro a {city}.", "{brand} presenta il nuovo {product} la prossima settimana."),
    },
    "pl": {
        "positive": ("Uwielbiam mój nowy {product}, super!", "Świetny dzień, jestem szczęśliwa."),
        "negative": ("Mój {product} znowu się zepsuł. Co za rozczarowanie.", "Okropny dzień."),
        "neutral": ("Jutro spotkanie w {city}.", "{brand} pokaże nowy {product} w przyszłym tygodniu."),
    },
    "pt": {
        "positive": ("Amo meu novo {product}, incrível!", "Dia maravilhoso, muito feliz."),
        "negative": ("Meu {product} quebrou de novo. Que decepção.", "Que dia horrível."),
        "neutral": ("Amanhã tem encontro em {city}.", "A {brand} apresenta o novo {product} semana que vem."),
    },
}


def _fill(template: str, **values: str) -> str:
    return template.format(**values)


def topic_text(rng: random.Random, sentiment: str, thing: str, city: str, *, hard: bool) -> str:
    pool = _HARD_TOPIC[sentiment] if hard else _TOPIC[sentiment]
    return _fill(rng.choice(pool), thing=thing, city=city)


LOCAL_LANGS = frozenset(_LOCAL)


def local_text(rng: random.Random, lang: str, sentiment: str, brand: str, product: str, city: str) -> tuple[str, bool]:
    """A post in the author's own language; True when it names the brand."""
    template = rng.choice(_LOCAL[lang][sentiment])
    return _fill(template, product=product, brand=brand, city=city), "{product}" in template or "{brand}" in template


def brand_text(
    rng: random.Random, sentiment: str, brand: str, product: str, category: str, thing: str, city: str, *, hard: bool
) -> str:
    """A post about a brand or one of its products."""
    pool = _HARD[sentiment] if hard else _BRAND[sentiment]
    return _fill(rng.choice(pool), product=product, brand=brand, category=category, thing=thing, city=city)


def question_text(rng: random.Random, category: str, purpose: str, brand: str, product: str, *, named: bool) -> str:
    """A demand signal: someone asking what to buy (naming a brand when ``named``)."""
    pool = _BRAND_QUESTIONS if named else _QUESTIONS
    return _fill(rng.choice(pool), category=category, purpose=purpose, brand=brand, product=product)


def reply_text(rng: random.Random, sentiment: str) -> str:
    return rng.choice(_REPLY[sentiment])
