"""Post enrichment: sentiment, language, topics, brand mentions, questions and demand signals.

Pure functions of a post's text (plus the tracked brands and the known topic vocabulary),
so that the importer enriches each post in the same pass that validates it and
`graphsvc enrich` can redo all posts after the brand list changes.

* **Sentiment**: VADER, a lexicon and rule model made for short social text (emoticons,
  capitals, "!!!", negation, "but"); compound score in -1..1, labelled with VADER's own
  thresholds (>= 0.05 positive, <= -0.05 negative).
* **Language**: kept when the source gives it, else py3langid (a bundled model, no download).
* **Topics**: the hashtags, plus any known topic named as a word in the text.
* **Brands**: a brand's name, aliases or product names as whole words, case-insensitive.
* **Questions** and **demand signals**: a question is a sentence ending in '?' or opening with a
  question word; a demand signal is a question about a tracked brand or its category
  ("anyone recommend a good CRM?"), weeks before a sale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import py3langid
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from graphsvc.ingest.normalize import fold

__all__ = ["BrandTerms", "Enrichment", "enrich", "sentiment_label"]

_ANALYZER = SentimentIntensityAnalyzer()
_QUESTION_START = re.compile(
    r"^\s*(anyone|anybody|does|do|did|how|what|which|where|who|why|when|can|could|should|would|is there|are there|"
    r"any (?:recommendations?|tips|advice)|recommend)\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"[a-z0-9][a-z0-9_-]*")


def sentiment_label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def _whole_words(terms: Iterable[str]) -> re.Pattern[str]:
    """Any of ``terms`` as whole words, case-insensitive, not as part of a @handle or #hashtag."""
    alternatives = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<![\w@#])(?:{alternatives})(?!\w)", re.IGNORECASE)


class BrandTerms:
    """The tracked brands: each with its aliases and products (mentions) and its category (demand)."""

    def __init__(self, brands: Mapping[str, tuple[Iterable[str], str]] | None = None) -> None:
        self.brands = {
            name: (tuple(sorted(set(terms) | {name})), category) for name, (terms, category) in (brands or {}).items()
        }
        self._mention = [(_whole_words(terms), name) for name, (terms, _) in self.brands.items()]
        # Most posts name no brand: one search for any term spares them a search per brand.
        self._any = _whole_words([t for terms, _ in self.brands.values() for t in terms]) if self.brands else None
        categories = sorted({c for _, c in self.brands.values() if c}, key=len, reverse=True)
        self._category = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in categories) + r")s?(?!\w)", re.IGNORECASE)
            if categories
            else None
        )

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> BrandTerms:
        """From ``{name, aliases, products, category}`` rows (Brand nodes, or a brands file)."""
        return cls(
            {
                row["name"]: ([*(row.get("aliases") or []), *(row.get("products") or [])], row.get("category") or "")
                for row in rows
            }
        )

    def mentioned(self, text: str) -> list[str]:
        if self._any is None or not self._any.search(text):
            return []
        return [name for pattern, name in self._mention if pattern.search(text)]

    def about_category(self, text: str) -> bool:
        return bool(self._category and self._category.search(text))


@dataclass(frozen=True, slots=True)
class Enrichment:
    sentiment: float
    sentiment_label: str
    lang: str | None
    topics: list[str]
    brands: list[str]
    question: bool
    demand: bool

    def as_props(self) -> dict[str, Any]:
        return {
            "sentiment": self.sentiment,
            "sentimentLabel": self.sentiment_label,
            "lang": self.lang,
            "question": self.question,
            "demand": self.demand,
        }


def _is_question(text: str) -> bool:
    return any(s.rstrip().endswith("?") or _QUESTION_START.match(s) for s in _SENTENCES.split(text) if s.strip())


def enrich(
    text: str,
    *,
    hashtags: Iterable[str] = (),
    lang: str | None = None,
    brands: BrandTerms | None = None,
    vocabulary: frozenset[str] = frozenset(),
) -> Enrichment:
    """Everything we read from one post's text."""
    compound = round(_ANALYZER.polarity_scores(text)["compound"], 4) if text else 0.0
    if not lang and len(text) >= 12:
        lang = py3langid.classify(text)[0]
    topics = {fold(tag).lstrip("#").replace(" ", "") for tag in hashtags if tag.strip("# ")}
    if vocabulary:
        # fold() of ASCII text only lower-cases it and collapses spaces, which cannot change the words found.
        words = _WORDS.findall(text.lower() if text.isascii() else fold(text))
        topics.update(word for word in words if word in vocabulary)
    mentioned = brands.mentioned(text) if brands else []
    question = _is_question(text) if text else False
    demand = question and bool(mentioned or (brands and brands.about_category(text)))
    return Enrichment(compound, sentiment_label(compound), lang or None, sorted(topics), mentioned, question, demand)
