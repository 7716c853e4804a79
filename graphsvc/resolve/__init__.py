"""Identity resolution: unify each person's fragmented identities, with evidence and a review queue."""

from graphsvc.resolve.run import ResolveOptions, ResolveSummary, resolve

__all__ = ["ResolveOptions", "ResolveSummary", "resolve"]
