"""GraphQL over HTTP: strawberry on starlette."""

from graphsvc.api.app import create_app

__all__ = ["create_app"]
