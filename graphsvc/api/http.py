"""GraphQL over HTTP, as its specification asks (https://graphql.github.io/graphql-over-http/).

``GraphQLOverHTTP`` is the ASGI front of ``/graphql`` (HTTP only; WebSockets pass through):

- A client that accepts ``application/graphql-response+json`` gets that media type, and the status
  tells what happened: a request error (the document does not parse or validate, the variables do not
  coerce, the operation is over its cost budget: the response has no ``data`` entry) is **400**; an
  executed operation is 200, whether or not some of its fields failed.
- A client that accepts only ``application/json`` (or sends no ``Accept``) gets ``application/json``
  and 200 for every well-formed request, as before the specification existed; its request errors have
  no ``data`` entry either (the GraphQL specification's response format).

Which errors are request errors is the application's to say: ``process_result`` leaves ``data`` out
for them. This front only reads whether the body starts with a ``data`` entry.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["GRAPHQL_RESPONSE", "GraphQLOverHTTP", "wants_graphql_response"]


GRAPHQL_RESPONSE = "application/graphql-response+json"


def wants_graphql_response(accept: str) -> bool:
    """Whether an ``Accept`` header prefers ``application/graphql-response+json`` to ``application/json``
    (a higher or equal quality, the first listed winning a tie)."""
    best: dict[str, tuple[float, int]] = {}
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media in (GRAPHQL_RESPONSE, "application/json") and media not in best:
            best[media] = (quality, -position)
    ours = best.get(GRAPHQL_RESPONSE)
    if ours is None or ours[0] <= 0:
        return False
    theirs = best.get("application/json")
    return theirs is None or ours > theirs


class GraphQLOverHTTP:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = b", ".join(value for name, value in scope["headers"] if name == b"accept").decode("latin-1")
        if not wants_graphql_response(accept):
            await self.app(scope, receive, send)
            return
        started: Message | None = None

        async def negotiated(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = message  # held until the body says which status it is
                return
            if started is not None:
                start, started = started, None
                headers = list(start.get("headers", []))
                if (b"content-type", b"application/json") in headers and not message.get("more_body", False):
                    headers = [(n, GRAPHQL_RESPONSE.encode() if n == b"content-type" else v) for n, v in headers]
                    body = message.get("body", b"")
                    status = start["status"]
                    if status == 200 and not body.startswith(b'{"data"'):
                        status = 400  # a request error: nothing was executed
                    start = {**start, "status": status, "headers": headers}
                await send(start)
            await send(message)

        await self.app(scope, receive, negotiated)
