"""Responses leave in one write: the coalescing transport under uvicorn, and on a real socket."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from graphsvc.api.transport import CoalescingTransport
from tests.support import serve_in_thread


def test_each_response_of_a_keep_alive_connection_goes_out_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[list[bytes]] = []
    flush = CoalescingTransport.flush

    def recorded(self: CoalescingTransport) -> None:
        if self._pending:
            flushed.append(list(self._pending))
        flush(self)

    monkeypatch.setattr(CoalescingTransport, "flush", recorded)

    async def hello(request: Any) -> PlainTextResponse:
        return PlainTextResponse("hello " + request.path_params["name"])

    app = Starlette(routes=[Route("/hello/{name}", hello)])
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as client:
        assert [client.get(f"/hello/{name}").text for name in ("ada", "bob")] == ["hello ada", "hello bob"]
    assert len(flushed) == 2  # one write per response, on the same connection
    for chunks, name in zip(flushed, ("ada", "bob"), strict=True):
        assert (
            len(chunks) == 2 and chunks[0].startswith(b"HTTP/1.1 200 OK\r\n") and chunks[1] == f"hello {name}".encode()
        )


def test_writes_gather_until_a_flush_the_end_of_the_turn_or_close_and_pass_through_after_an_upgrade() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future[asyncio.Transport] = loop.create_future()
        writes: list[bytes] = []

        class Accept(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted.set_result(transport)  # type: ignore[arg-type]

        server = await loop.create_server(Accept, "127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
        real = await accepted
        write = real.write
        real.write = lambda data: (writes.append(bytes(data)), write(data))[1]  # type: ignore[method-assign]
        ours = CoalescingTransport(real, loop)

        ours.write(b"head\r\n\r\n")
        ours.write(b"body")
        assert writes == [] and ours.get_write_buffer_size() == 12
        ours.flush()
        assert writes == [b"head\r\n\r\nbody"] and await reader.readexactly(12) == b"head\r\n\r\nbody"

        ours.writelines([b"a", b"b"])
        await asyncio.sleep(0)  # the end of this turn of the event loop
        await asyncio.sleep(0)
        assert writes[1:] == [b"ab"] and await reader.readexactly(2) == b"ab"

        ours.set_protocol(asyncio.Protocol())
        ours.write(b"ws")
        assert writes[2:] == [b"ws"]  # straight through once another protocol owns the connection

        last = CoalescingTransport(real, loop)
        last.write(b"bye")
        last.close()
        assert writes[3:] == [b"bye"] and await reader.read() == b"wsbye"  # then end of stream
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(scenario())
