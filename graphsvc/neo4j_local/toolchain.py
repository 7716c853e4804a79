"""Java and Maven: find them, check their versions, and fetch the Neo4j server jars.

The community server is assembled from Maven Central (``org.neo4j:neo4j`` for the
kernel, Cypher and the ``CommunityEntryPoint``; ``org.neo4j.app:neo4j-server`` for
the HTTP side) with ``mvn dependency:copy-dependencies`` into a user cache
directory. A ``.complete`` marker makes the second start skip Maven entirely, so it
needs no network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from graphsvc.errors import EnvironmentProblem, ServerError

__all__ = ["ensure_server_jars", "find_java", "find_maven", "java_major_version"]

_DOCKER_HINT = (
    "or skip the managed server: run Neo4j 5.26 with Docker (`docker compose -f docker/compose.yaml up neo4j`) "
    "and set NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_AUTH=neo4j/<password>"
)

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>graphsvc.local</groupId>
  <artifactId>neo4j-community-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>{version}</version></dependency>
  </dependencies>
</project>
"""


def find_java() -> str:
    """Path of a ``java`` of version 17 or later, else an ``EnvironmentProblem`` saying what to install."""
    java = shutil.which("java")
    if java is None:
        raise EnvironmentProblem(
            "Java was not found on PATH; the managed Neo4j 5.26 server needs Java 17 or 21",
            hint=f"install a JDK (Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless`), {_DOCKER_HINT}",
        )
    major = java_major_version(java)
    if major < 17:
        raise EnvironmentProblem(
            f"Java {major} found at {java}; Neo4j 5.26 needs Java 17 or 21",
            hint=f"install openjdk-17 and put it first on PATH, {_DOCKER_HINT}",
        )
    return java


def java_major_version(java: str) -> int:
    """The major version a ``java -version`` reports (``1.8`` counts as 8)."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"could not run {java} -version: {exc}", hint=_DOCKER_HINT) from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise EnvironmentProblem(f"could not read the Java version from: {out.stderr.strip()[:200]!r}")
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return minor if major == 1 else major


def find_maven() -> str:
    """Path of ``mvn``, else an ``EnvironmentProblem`` saying what to install."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise EnvironmentProblem(
            "Maven (`mvn`) was not found on PATH; it fetches the Neo4j server jars from Maven Central once",
            hint=f"install Maven (Debian/Ubuntu: `apt-get install maven`), {_DOCKER_HINT}",
        )
    return mvn


def ensure_server_jars(cache_dir: Path, version: str) -> Path:
    """The folder holding every jar of the Neo4j community server ``version``, fetched on first use."""
    root = cache_dir / f"neo4j-community-{version}"
    lib = root / "lib"
    if (root / ".complete").is_file() and lib.is_dir():
        return lib
    mvn = find_maven()
    find_java()
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_POM.format(version=version), encoding="utf-8")
    staging = root / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(root / "pom.xml"),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ServerError(
            f"Maven could not fetch Neo4j {version} from Maven Central (exit {proc.returncode}):\n{tail}",
            hint=f"check network access to Maven Central and ~/.m2/settings.xml, {_DOCKER_HINT}",
        )
    if not any(staging.glob(f"neo4j-{version}.jar")):
        raise ServerError(f"Maven finished but {staging} has no neo4j-{version}.jar")
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    (root / ".complete").write_text(version, encoding="utf-8")
    return lib
