"""The managed local Neo4j server: configure, start, wait for Bolt, stop, report, tail logs.

One server per state directory. Its layout::

    STATE_DIR/neo4j/
        conf/neo4j.conf     generated on every start from the settings
        data/               databases and auth (or GRAPHSVC_NEO4J_DATA_DIR)
        logs/               neo4j.log, debug.log, console.log
        run/server.json     pid, ports, start time of the running server
        password            generated password, mode 0600 (unless NEO4J_AUTH is set)

The server process runs in its own session so that it outlives the command that
started it; ``stop`` finds it again through ``run/server.json`` and checks that
the pid still belongs to this server before signalling it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphsvc.config import NEO4J_VERSION, Settings
from graphsvc.errors import ServerError
from graphsvc.neo4j_local.toolchain import ensure_server_jars, find_java

__all__ = ["LocalServer", "ServerStatus", "new_password"]

_ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
# Servers this process started: kept referenced so that they are reaped here (no zombies) and
# Python does not warn about a Popen collected while its child still runs.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
_ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# The JVM flags the Neo4j distribution's launcher passes; the entry point does not add them itself.
_JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


@dataclass(frozen=True)
class ServerStatus:
    """What ``graphsvc neo4j status`` reports."""

    running: bool
    ready: bool
    pid: int | None
    uri: str
    version: str
    home: str
    data_dir: str
    started_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_password() -> str:
    """A random password for a new server. Never one starting with '-': neo4j-admin would read it as an
    option and refuse to set it ("Missing required parameter"), one fresh start in 64."""
    while (password := secrets.token_urlsafe(18)).startswith("-"):
        pass
    return password


class LocalServer:
    """The managed Neo4j community server of one state directory."""

    def __init__(self, settings: Settings, *, version: str = NEO4J_VERSION) -> None:
        self.settings = settings
        self.version = version
        self.home = (settings.state_dir / "neo4j").resolve()
        self.conf_dir = self.home / "conf"
        self.data_dir = (settings.neo4j_data_dir or self.home / "data").resolve()
        self.logs_dir = self.home / "logs"
        self.run_file = self.home / "run" / "server.json"
        self.password_file = self.home / "password"

    # -- addresses and credentials -------------------------------------------------------
    @property
    def uri(self) -> str:
        """Where the server listens: the running one's port, else the configured one."""
        port = self._run_info().get("bolt_port", self.settings.neo4j_bolt_port)
        return f"bolt://127.0.0.1:{port}"

    @property
    def auth(self) -> tuple[str, str]:
        """``('neo4j', password)``: from NEO4J_AUTH if set, else the generated password file."""
        given = self.settings.auth_from_env
        if given is not None:
            return ("neo4j", given[1])
        if not self.password_file.is_file():
            self._write_private(self.password_file, new_password())
        return ("neo4j", self.password_file.read_text(encoding="utf-8").strip())

    @staticmethod
    def _write_private(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o600)

    # -- lifecycle ---------------------------------------------------------------------------
    def fetch(self) -> Path:
        """Make sure the server jars are in the cache; returns their folder."""
        return ensure_server_jars(self.settings.cache_dir, self.version)

    def start(self) -> ServerStatus:
        """Start the server (if not running) and wait until Bolt accepts our credentials."""
        current = self.status()
        if current.running:
            if not current.ready:  # started by another command a moment ago: wait for it
                self._wait_until_ready(None)
            return self.status()
        java = find_java()
        lib = self.fetch()
        ports = [self.settings.neo4j_bolt_port] + ([self.settings.neo4j_http_port] if self.settings.neo4j_http else [])
        for port in ports:
            if _port_open(port):
                raise ServerError(
                    f"port {port} on 127.0.0.1 is already in use by another process",
                    hint="stop that process, or choose other ports with GRAPHSVC_NEO4J_BOLT_PORT / "
                    "GRAPHSVC_NEO4J_HTTP_PORT",
                )
        for folder in (self.home, self.conf_dir, self.data_dir, self.logs_dir, self.run_file.parent):
            _private_folder(folder)
        self._write_config()
        env = self._java_env()
        classpath = f"{lib}/*"
        if not (self.data_dir / "dbms" / "auth.ini").exists():
            self._set_initial_password(java, classpath, env)
        console = open(self.logs_dir / "console.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            proc = subprocess.Popen(
                [
                    java,
                    "-Xms512m",
                    f"-Xmx{self.settings.neo4j_heap}",
                    *_JVM_FLAGS,
                    "-cp",
                    classpath,
                    _ENTRY_POINT,
                    f"--home-dir={self.home}",
                    f"--config-dir={self.conf_dir}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.home,
                start_new_session=True,
            )
        finally:
            console.close()
        _CHILDREN[proc.pid] = proc
        started = time.time()
        self._write_private(
            self.run_file,
            json.dumps(
                {
                    "pid": proc.pid,
                    "started_at": started,
                    "version": self.version,
                    "bolt_port": self.settings.neo4j_bolt_port,
                    "http_port": self.settings.neo4j_http_port,
                }
            ),
        )
        self._wait_until_ready(proc)
        return self.status()

    def stop(self, timeout: float = 60.0) -> bool:
        """Shut the server down cleanly (SIGTERM, then SIGKILL after ``timeout``); False if it was not running."""
        pid = self._live_pid()
        if pid is None:
            self.run_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait()
        self.run_file.unlink(missing_ok=True)
        return True

    def status(self) -> ServerStatus:
        """Running means the server process is alive; ready means its Bolt port answers."""
        pid = self._live_pid()
        info = self._run_info() if pid is not None else {}
        port = int(info.get("bolt_port", self.settings.neo4j_bolt_port))
        return ServerStatus(
            running=pid is not None,
            ready=pid is not None and _port_open(port),
            pid=pid,
            uri=f"bolt://127.0.0.1:{port}",
            version=str(info.get("version", self.version)),
            home=str(self.home),
            data_dir=str(self.data_dir),
            started_at=info.get("started_at"),
        )

    def _run_info(self) -> dict[str, Any]:
        try:
            info = json.loads(self.run_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}

    def log_tail(self, lines: int = 50, name: str = "neo4j.log") -> list[str]:
        path = self.logs_dir / name
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=lines)]

    # -- internals -----------------------------------------------------------------------------
    def _java_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.conf_dir))
        return env

    def _write_config(self) -> None:
        s = self.settings
        lines = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{s.neo4j_bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{s.neo4j_bolt_port}",
            "server.http.enabled": "true" if s.neo4j_http else "false",
            "server.http.listen_address": f"127.0.0.1:{s.neo4j_http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.directories.data": str(self.data_dir),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.run_file.parent),
            "server.directories.import": str(self.home / "import"),
            "server.memory.heap.initial_size": "512m",
            "server.memory.heap.max_size": s.neo4j_heap,
            "server.memory.pagecache.size": s.neo4j_pagecache,
            # No query may take the JVM: all transactions together hold at most three quarters of the
            # heap, one at most half (large UNWIND batches and analytics projections need that room),
            # and none runs longer than the transaction timeout.
            "db.memory.transaction.total.max": _share(s.neo4j_heap, 3, 4),
            "db.memory.transaction.max": _share(s.neo4j_heap, 1, 2),
            "db.transaction.timeout": f"{s.neo4j_transaction_timeout_seconds}s",
            "dbms.usage_report.enabled": "false",
            "db.logs.query.enabled": "OFF",
            "db.tx_log.rotation.retention_policy": s.neo4j_tx_log_retention,
            "db.tx_log.rotation.size": "64m",
        }
        text = "# Generated by graphsvc on every start; edit the settings, not this file.\n"
        text += "".join(f"{key}={value}\n" for key, value in lines.items())
        (self.conf_dir / "neo4j.conf").write_text(text, encoding="utf-8")

    def _set_initial_password(self, java: str, classpath: str, env: dict[str, str]) -> None:
        """``neo4j-admin dbms set-initial-password``, the password read from an argument file (picocli's
        ``@file``, private and removed at once), so that it never shows on a command line."""
        _, password = self.auth
        argument_file = self.run_file.parent / "initial-password.args"
        self._write_private(argument_file, _quoted(password) + "\n")
        try:
            proc = subprocess.run(
                [java, "-cp", classpath, _ADMIN_TOOL, "dbms", "set-initial-password", f"@{argument_file}"],
                capture_output=True,
                text=True,
                env=env,
                cwd=self.home,
                check=False,
            )
        finally:
            argument_file.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise ServerError(f"neo4j-admin set-initial-password failed: {(proc.stderr or proc.stdout).strip()[:500]}")

    def _wait_until_ready(self, proc: subprocess.Popen[bytes] | None) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        deadline = time.monotonic() + self.settings.neo4j_start_timeout
        while time.monotonic() < deadline:
            code = proc.poll() if proc is not None else (None if self._live_pid() else -1)
            if code is not None:
                if proc is not None:
                    _CHILDREN.pop(proc.pid, None)
                self.run_file.unlink(missing_ok=True)
                log = "\n".join(self.log_tail(20, "console.log") + self.log_tail(20))
                raise ServerError(f"Neo4j exited with code {code} while starting; last log lines:\n{log}")
            if _port_open(int(self.uri.rsplit(":", 1)[1])):
                try:
                    with GraphDatabase.driver(self.uri, auth=self.auth, connection_timeout=5) as driver:
                        driver.verify_connectivity()
                    return
                except AuthError as exc:
                    raise ServerError(
                        f"Neo4j started but rejected the configured password: {exc.message}",
                        hint=f"the data directory {self.data_dir} was created with another password; "
                        "set NEO4J_AUTH to it, or remove the directory to start afresh",
                    ) from None
                except ServiceUnavailable:
                    pass
            time.sleep(0.25)
        raise ServerError(
            f"Neo4j did not answer on {self.uri} within {self.settings.neo4j_start_timeout:.0f}s "
            f"(it keeps starting; see {self.logs_dir / 'neo4j.log'})",
            hint="raise GRAPHSVC_NEO4J_START_TIMEOUT on a slow machine",
        )

    def _live_pid(self) -> int | None:
        """The pid of this home's server if one runs: from run/server.json, else found in /proc."""
        try:
            pid: int | None = int(self._run_info()["pid"])
        except (KeyError, TypeError, ValueError):
            pid = None
        if pid is not None and _alive(pid) and self._is_ours(pid):
            return pid
        return self._adopt_orphan()

    def _is_ours(self, pid: int) -> bool:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return Path("/proc").is_dir() is False  # no /proc (macOS): trust the pid file
        return _ENTRY_POINT.encode() in args and f"--home-dir={self.home}".encode() in args

    def _adopt_orphan(self) -> int | None:
        """A server of this home whose run file was lost (deleted state, crashed CLI): find it in /proc."""
        for proc_dir in Path("/proc").glob("[0-9]*"):
            pid = int(proc_dir.name)
            if pid != os.getpid() and self._is_ours(pid) and _alive(pid):
                conf = (self.conf_dir / "neo4j.conf").read_text(encoding="utf-8")
                port = re.search(r"^server\.bolt\.listen_address=.*:(\d+)$", conf, re.MULTILINE)
                info = {"pid": pid, "version": self.version, "bolt_port": int(port.group(1)) if port else None}
                self._write_private(self.run_file, json.dumps({k: v for k, v in info.items() if v is not None}))
                return pid
        return None


def _alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie (an exited child nobody has reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    if stat.rsplit(")", 1)[1].split()[0] == "Z":
        child = _CHILDREN.pop(pid, None)
        if child is not None:  # our own child: reap it
            child.wait()
        return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _share(size: str, numerator: int, denominator: int) -> str:
    """``numerator/denominator`` of a Neo4j memory size such as ``4g``, in megabytes (``3072m``)."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    suffix = size[-1].lower()
    megabytes = int(size[:-1]) * units[suffix] if suffix in units else int(size) / 2**20
    return f"{max(1, int(megabytes * numerator / denominator))}m"


def _private_folder(folder: Path) -> None:
    """``folder`` made if missing, and readable by its owner only (0700): it holds the database, its
    password and its logs."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _quoted(value: str) -> str:
    """``value`` as one argument of a picocli argument file (double quotes, backslashes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
