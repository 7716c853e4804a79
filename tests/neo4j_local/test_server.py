"""The managed server's life cycle, on a server of its own (not the session's)."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.errors import EnvironmentProblem, ServerError
from graphsvc.neo4j_local import LocalServer
from graphsvc.neo4j_local.server import new_password
from graphsvc.neo4j_local.toolchain import find_java, find_maven
from tests.support import free_port, serve_in_thread


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    settings = Settings(
        state_dir=tmp_path_factory.mktemp("lifecycle"),
        neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(),
        neo4j_heap="1g",
        neo4j_pagecache="256m",
        neo4j_auth='neo4j/lifecycle "secret" \\ 7',
    )
    server = LocalServer(settings)
    yield server
    server.stop()


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(url: str, status: int, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = httpx.get(url, timeout=10)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_start_status_stop_restart_and_readyz(own_server: LocalServer) -> None:
    assert not own_server.status().running

    first = own_server.start()
    assert first.running and first.ready and first.pid
    assert first.uri == f"bolt://127.0.0.1:{own_server.settings.neo4j_bolt_port}"
    # Starting again finds the running server instead of launching a second one.
    assert own_server.start().pid == first.pid

    # only Bolt listens (graphsvc speaks nothing else); its folders are its owner's alone; the password
    # (a quote and a backslash in it) was set without showing on a command line
    assert not _listening(own_server.settings.neo4j_http_port)
    for folder in (own_server.home, own_server.conf_dir, own_server.data_dir, own_server.logs_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert not list(own_server.run_file.parent.glob("*.args"))
    password = own_server.auth[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            assert password.encode() not in cmdline.read_bytes(), cmdline
        except OSError:
            continue  # a process that ended meanwhile
    with Database(own_server.uri, own_server.auth) as db:
        assert db.read("admin.server_components")[0]["version"].startswith("5.26")
        with serve_in_thread(create_app(own_server.settings, db)) as base:
            assert httpx.get(f"{base}/readyz").json() == {"status": "ready"}

            assert own_server.stop() is True
            assert not own_server.status().running
            down = _wait_for(f"{base}/readyz", 503)
            assert down.status_code == 503
            assert down.json()["status"] == "unavailable"
            assert "unavailable" in down.json()["reason"]
            assert httpx.get(f"{base}/healthz").status_code == 200  # the process itself is alive

            began = time.monotonic()
            again = own_server.start()  # restart on the same data: no fetch, no initial password
            assert again.ready and again.pid != first.pid
            assert time.monotonic() - began < 60
            back = _wait_for(f"{base}/readyz", 200)
            assert back.status_code == 200, back.text

    assert own_server.stop() is True
    assert own_server.stop() is False  # stopping a stopped server is not an error


def test_generated_config_listens_on_loopback_only(own_server: LocalServer) -> None:
    own_server.settings.state_dir.mkdir(parents=True, exist_ok=True)
    own_server.conf_dir.mkdir(parents=True, exist_ok=True)
    own_server._write_config()
    conf = (own_server.conf_dir / "neo4j.conf").read_text()
    listen = [line for line in conf.splitlines() if "listen_address" in line]
    assert listen and all("=127.0.0.1" in line for line in listen)
    assert "dbms.security.auth_enabled=true" in conf
    assert f"server.memory.heap.max_size={own_server.settings.neo4j_heap}" in conf


def test_generated_password_is_private(tmp_path: Path) -> None:
    server = LocalServer(Settings(state_dir=tmp_path))
    user, password = server.auth
    assert user == "neo4j" and len(password) >= 20
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    assert server.auth == (user, password)  # stable once generated


def test_neo4j_auth_overrides_generated_password(tmp_path: Path) -> None:
    server = LocalServer(Settings(state_dir=tmp_path, neo4j_auth="neo4j/from-env-123"))
    assert server.auth == ("neo4j", "from-env-123")
    assert not server.password_file.exists()


def test_port_in_use_is_reported(tmp_path: Path, settings: Settings) -> None:
    busy = int(LocalServer(settings).uri.rsplit(":", 1)[1])  # the session server holds it
    server = LocalServer(Settings(state_dir=tmp_path, neo4j_bolt_port=busy, neo4j_http_port=free_port()))
    with pytest.raises(ServerError, match=f"port {busy} .* already in use"):
        server.start()


def test_missing_java_or_maven_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a real PATH without java or mvn on it
    with pytest.raises(EnvironmentProblem) as java:
        find_java()
    assert "Java 17" in java.value.message and "docker" in (java.value.hint or "").lower()
    with pytest.raises(EnvironmentProblem) as maven:
        find_maven()
    assert "Maven" in maven.value.message and "apt-get install maven" in (maven.value.hint or "")


def test_a_generated_password_never_reads_as_an_option() -> None:
    # neo4j-admin takes a password starting with '-' for an option and refuses to start the server
    passwords = [new_password() for _ in range(5000)]  # about 78 would start with '-' by chance
    assert not [p for p in passwords if p.startswith("-")]
    assert len(set(passwords)) == len(passwords) and min(map(len, passwords)) >= 24
