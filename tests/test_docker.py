"""docker/: the compose file is valid for Docker (where a docker CLI with compose exists) and says what we promise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[1] / "docker"


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _compose_available(), reason="no docker CLI with the compose plugin on this machine")
def test_docker_compose_config_validates() -> None:
    done = subprocess.run(
        ["docker", "compose", "-f", str(DOCKER / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        env={"NEO4J_PASSWORD": "check-only", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert done.returncode == 0, done.stderr


def test_compose_file_wires_neo4j_and_graphsvc_safely() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["graphsvc"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["healthcheck"]["test"], "neo4j needs a healthcheck for depends_on to wait on"
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    published = [port for service in (neo4j, api) for port in service["ports"]]
    assert published and all(port.startswith("127.0.0.1:") for port in published), published
    assert (DOCKER / api["build"]["dockerfile"].removeprefix("docker/")).is_file()


def test_dockerfile_runs_graphsvc_serve_unprivileged() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["graphsvc"]' in text and 'CMD ["serve"]' in text
    assert "USER graphsvc" in text and "HEALTHCHECK" in text
