"""uvicorn's HTTP/1.1 protocol (httptools), writing each response in one piece.

uvicorn writes a response's status line and headers as soon as the app sends them, and the body
in a second write: two system calls and two TCP segments, and the client's kernel and event loop
wake twice. ``CoalescingTransport`` holds what is written until the response is complete (or, for a
streamed response, until the end of the event loop's turn) and writes it at once: fewer system calls and
wake-ups per request, on both sides of the connection.

After an upgrade (a WebSocket takes the connection over) the transport writes straight through.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["UVICORN_OPTIONS", "CoalescingHttpToolsProtocol", "CoalescingTransport"]


class CoalescingTransport:
    """A transport that gathers writes and sends them together on ``flush()``, ``close()`` or
    the end of the event loop's turn, whichever comes first; everything else is the real transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False
        self._through = False

    def write(self, data: bytes) -> None:
        if self._through:
            self._transport.write(data)
            return
        self._pending.append(data)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._end_of_turn)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _end_of_turn(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(chunk) for chunk in self._pending)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Another protocol takes the connection over (a WebSocket upgrade): write straight through from now on."""
        self.flush()
        self._through = True
        self._transport.set_protocol(protocol)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a ``CoalescingTransport``, flushed as each response completes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]

    def on_response_complete(self) -> None:
        self.transport.flush()  # type: ignore[attr-defined]
        super().on_response_complete()


#: How graphsvc runs uvicorn (``graphsvc serve``, its workers, and the tests' servers).
UVICORN_OPTIONS: dict[str, Any] = {"http": CoalescingHttpToolsProtocol}
