"""Conversation types without relations: posts and sentiment-over-time points.

Built from the rows of ``graphsvc.service.conversations`` (which it serves unchanged to the CLI),
so times arrive as ISO 8601 text and are parsed here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

__all__ = ["Post", "SentimentPoint", "TrendUnit", "parse_time"]

Row = dict[str, Any]


@strawberry.enum(description="The bucket of a sentiment trend.")
class TrendUnit(Enum):
    DAY = "day"
    WEEK = "week"


def parse_time(text: str) -> datetime:
    """A Neo4j ISO 8601 time (nanoseconds allowed, possibly a zone name in brackets) as a ``datetime``."""
    text = text.split("[", 1)[0]
    head, dot, tail = text.partition(".")
    if dot:  # keep microseconds: Python reads at most six fraction digits
        digits = len(tail) - len(tail.lstrip("0123456789"))
        tail = tail[: min(digits, 6)] + tail[digits:]
    return datetime.fromisoformat(head + dot + tail if dot else head)


@strawberry.type(description="A post, with what enrichment found in it (sentiment, brands, topics, a question).")
class Post:
    platform: str
    post_id: str
    text: str | None
    created_at: datetime
    sentiment: float | None = strawberry.field(description="Compound sentiment, -1 (negative) to 1 (positive).")
    sentiment_label: str | None = strawberry.field(description="positive, negative or neutral.")
    question: bool | None
    brands: list[str]
    topics: list[str]
    author: str | None = strawberry.field(description="The handle of the account that posted it.")

    @classmethod
    def from_row(cls, row: Row) -> Post:
        return cls(
            platform=row["platform"],
            post_id=row["postId"],
            text=row.get("text"),
            created_at=parse_time(row["createdAt"]),
            sentiment=row.get("sentiment"),
            sentiment_label=row.get("sentimentLabel"),
            question=row.get("question"),
            brands=list(row.get("brands") or []),
            topics=list(row.get("topics") or []),
            author=row.get("author"),
        )


@strawberry.type(description="Posts and their mean sentiment in one day or week.")
class SentimentPoint:
    bucket: date = strawberry.field(description="The first day of the bucket.")
    posts: int
    sentiment: float = strawberry.field(description="Mean compound sentiment of the bucket's posts.")
    positive: int
    negative: int

    @classmethod
    def from_row(cls, row: Row) -> SentimentPoint:
        return cls(
            bucket=date.fromisoformat(row["bucket"]),
            posts=row["posts"],
            sentiment=row["sentiment"],
            positive=row["positive"],
            negative=row["negative"],
        )
