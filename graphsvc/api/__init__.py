"""GraphQL over HTTP: strawberry on starlette."""

from graphsvc.api.app import create_app, run_server

__all__ = ["create_app", "run_server"]
