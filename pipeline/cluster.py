"""Local Spark clusters on this machine, from the pip-installed pyspark.

``python -m pipeline.cluster up``           standalone master + workers (``make cluster-up``)
``python -m pipeline.cluster down``         stop exactly the processes ``up`` started
``python -m pipeline.cluster connect-up``   a Spark Connect server (``make connect-up``)
``python -m pipeline.cluster connect-down`` stop it
``python -m pipeline.cluster status``       what is running

Everything binds to 127.0.0.1. PIDs and logs go under ``SPARK_CLUSTER_DIR`` (default
``.spark/``): ``standalone/{master,worker-N}.{pid,log}`` and ``connect/{pids,logs}/``.
Ports, worker count, cores and memory come from :class:`pipeline.settings.Settings`.
Every wait has a timeout (``SPARK_CLUSTER_TIMEOUT``, default 90 s); a busy port, a
process that dies or one that never comes up raises :class:`ClusterError` with the tail
of its log, never a hang.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.settings import Settings

HOST = "127.0.0.1"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
CONNECT_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
STOP_GRACE_S = 20.0


class ClusterError(RuntimeError):
    """A cluster could not be started or stopped; the message says why (with a log tail)."""


@dataclass(frozen=True)
class Started:
    """What a start function brought up."""

    url: str  # spark://... or sc://...
    web_ui: str | None
    pids: dict[str, int]


# --- paths and environment ---------------------------------------------------------------


def spark_home() -> Path:
    """The installed pyspark package folder: it holds ``bin/``, ``sbin/`` and ``jars/``."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def standalone_dir(settings: Settings) -> Path:
    return Path(settings.cluster_dir).absolute() / "standalone"


def connect_dir(settings: Settings) -> Path:
    return Path(settings.cluster_dir).absolute() / "connect"


def master_url(settings: Settings) -> str:
    return f"spark://{HOST}:{settings.spark_master_port}"


def connect_url(settings: Settings) -> str:
    return f"sc://{HOST}:{settings.spark_connect_port}"


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the Spark daemons.

    ``SPARK_MASTER`` and ``SPARK_REMOTE`` are dropped: the Makefile exports
    ``SPARK_MASTER=local[*]`` for the pipeline, but ``spark-daemon.sh`` reads a set
    ``SPARK_MASTER`` as a host to rsync Spark from.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_MASTER", "SPARK_REMOTE")}
    env.update(
        SPARK_HOME=str(spark_home()),
        PYSPARK_PYTHON=sys.executable,
        SPARK_LOCAL_IP=HOST,
    )
    env.update(extra or {})
    return env


# --- processes -------------------------------------------------------------------------


def _cmdline(pid: int) -> str:
    """The command line of ``pid`` ('' if it is gone or a zombie)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own dead child
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            if ") Z" in (proc / "stat").read_text():
                return ""
            return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""
    try:  # macOS: no /proc
        out = subprocess.run(
            ["ps", "-o", "stat=,command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return "" if not out or out.startswith("Z") else out.split(None, 1)[-1]


def _running(pid: int, marker: str) -> bool:
    """True if ``pid`` is alive and is the Spark process we started (guards PID reuse)."""
    return marker in _cmdline(pid)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _wait(condition: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _terminate(pid: int, marker: str, grace: float = STOP_GRACE_S) -> bool:
    """SIGTERM ``pid`` (only if it is still our process), SIGKILL after ``grace`` seconds.

    Then anything left in its process group (executors a worker launched) gets the same.
    Returns True if there was something to stop.
    """
    if not _running(pid, marker):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait(lambda: not _running(pid, marker), grace, 0.2):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait(lambda: not _running(pid, marker), 10, 0.2)
    _kill_group_leftovers(pid)
    return True


def _kill_group_leftovers(pgid: int) -> None:
    """Processes still in the group we created for a daemon (start_new_session)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(1.0)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"  (no log at {path})"
    return "\n".join(f"  | {line}" for line in text[-lines:]) + f"\n  (full log: {path})"


def port_free(port: int, host: str = HOST) -> bool:
    """True if nothing listens on ``host:port`` (SO_REUSEADDR, as the Spark servers do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # e.g. bound to 0.0.0.0
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) != 0


def _check_ports(ports: dict[str, int]) -> None:
    busy = [f"{what} port {port}" for what, port in ports.items() if not port_free(port)]
    if busy:
        raise ClusterError(
            f"{', '.join(busy)} on {HOST} already in use; stop whatever holds it "
            "(`make cluster-down` / `make connect-down` if it is ours) or choose other ports "
            "(SPARK_MASTER_PORT, SPARK_MASTER_WEBUI_PORT, SPARK_WORKER_WEBUI_PORT, "
            "SPARK_CONNECT_PORT)"
        )


def _spawn(name: str, args: list[str], state: Path, env: dict[str, str]) -> int:
    """Start a daemon in its own session, output to ``<name>.log``; record ``<name>.pid``."""
    log_path = state / f"{name}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            args,
            cwd=state,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (state / f"{name}.pid").write_text(f"{proc.pid}\n")
    return proc.pid


# --- standalone --------------------------------------------------------------------------


def _standalone_members(settings: Settings) -> list[tuple[str, str]]:
    """(name, class marker) of every daemon of the standalone cluster, master first."""
    workers = [(f"worker-{i}", WORKER_CLASS) for i in range(1, settings.spark_workers + 1)]
    return [("master", MASTER_CLASS), *workers]


def _running_members(state: Path) -> dict[str, int]:
    found = {}
    for pid_file in sorted(state.glob("*.pid")):
        pid = _read_pid(pid_file)
        marker = MASTER_CLASS if pid_file.stem == "master" else WORKER_CLASS
        if pid and _running(pid, marker):
            found[pid_file.stem] = pid
    return found


def master_status(settings: Settings, timeout: float = 2.0) -> dict | None:
    """The master web UI's JSON (``url``, ``aliveworkers``, ...) or None if it does not answer."""
    url = f"http://{HOST}:{settings.spark_master_webui_port}/json/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return json.loads(resp.read().decode())
    except (OSError, ValueError):
        return None


def start_standalone(settings: Settings) -> Started:
    """One master and ``SPARK_WORKERS`` workers on 127.0.0.1; waits until all registered."""
    state = standalone_dir(settings)
    state.mkdir(parents=True, exist_ok=True)
    already = _running_members(state)
    if already:
        listed = ", ".join(f"{k} pid {v}" for k, v in already.items())
        raise ClusterError(
            f"a standalone cluster is already running ({listed}); run `make cluster-down` first"
        )
    n = settings.spark_workers
    base = settings.spark_worker_webui_port  # 0: each worker's UI on any free port
    worker_ui = [base + i if base else 0 for i in range(n)]
    ports = {
        "master": settings.spark_master_port,
        "master web UI": settings.spark_master_webui_port,
    }
    ports.update({f"worker-{i + 1} web UI": p for i, p in enumerate(worker_ui) if p})
    _check_ports(ports)
    for stale in state.glob("*.pid"):
        stale.unlink()
    env = _child_env()
    spark_class = str(spark_home() / "bin" / "spark-class")
    url = master_url(settings)
    web_ui = f"http://{HOST}:{settings.spark_master_webui_port}"
    try:
        master_args = [
            spark_class,
            MASTER_CLASS,
            "--host",
            HOST,
            "--port",
            str(settings.spark_master_port),
            "--webui-port",
            str(settings.spark_master_webui_port),
        ]
        pids = {"master": _spawn("master", master_args, state, env)}
        _await(
            lambda: (master_status(settings) or {}).get("url") == url,
            settings,
            state,
            pids,
            f"the master did not answer on {web_ui}/json/ as {url}",
        )
        work = state / "work"
        work.mkdir(exist_ok=True)
        for i in range(1, n + 1):
            name = f"worker-{i}"
            args = [
                spark_class,
                WORKER_CLASS,
                url,
                "--host",
                HOST,
                "--cores",
                str(settings.spark_worker_cores),
                "--memory",
                settings.spark_worker_memory,
                "--webui-port",
                str(worker_ui[i - 1]),
                "--work-dir",
                str(work),
            ]
            pids[name] = _spawn(name, args, state, env)
        _await(
            lambda: (master_status(settings) or {}).get("aliveworkers", 0) >= n,
            settings,
            state,
            pids,
            f"{n} workers did not register with {url}",
        )
    except BaseException:
        stop_standalone(settings)
        raise
    return Started(url, web_ui, pids)


def _await(ready, settings: Settings, state: Path, pids: dict[str, int], what: str) -> None:
    """Wait until ``ready()``; raise with log tails if a daemon dies or time runs out."""
    deadline = time.monotonic() + settings.cluster_timeout_s
    markers = dict(_standalone_members(settings))
    while not ready():
        dead = [name for name, pid in pids.items() if not _running(pid, markers[name])]
        if dead:
            logs = "\n".join(f"{name} log:\n{_tail(state / f'{name}.log')}" for name in dead)
            raise ClusterError(f"{', '.join(dead)} exited during start-up\n{logs}")
        if time.monotonic() >= deadline:
            logs = "\n".join(f"{name} log:\n{_tail(state / f'{name}.log', 12)}" for name in pids)
            raise ClusterError(f"{what} within {settings.cluster_timeout_s:.0f} s\n{logs}")
        time.sleep(0.5)


def stop_standalone(settings: Settings) -> list[str]:
    """Stop the daemons whose PID files ``start_standalone`` wrote (workers first)."""
    state = standalone_dir(settings)
    stopped = []
    pid_files = sorted(state.glob("*.pid"), key=lambda p: (p.stem == "master", p.stem))
    for pid_file in pid_files:
        pid = _read_pid(pid_file)
        marker = MASTER_CLASS if pid_file.stem == "master" else WORKER_CLASS
        if pid and _terminate(pid, marker):
            stopped.append(f"{pid_file.stem} (pid {pid})")
        pid_file.unlink(missing_ok=True)
    return stopped


# --- Spark Connect -----------------------------------------------------------------------


def _connect_env(settings: Settings) -> dict[str, str]:
    state = connect_dir(settings)
    return _child_env({"SPARK_LOG_DIR": str(state / "logs"), "SPARK_PID_DIR": str(state / "pids")})


def _connect_pid(settings: Settings) -> tuple[Path | None, int | None]:
    files = sorted((connect_dir(settings) / "pids").glob(f"*{CONNECT_CLASS}*.pid"))
    return (files[0], _read_pid(files[0])) if files else (None, None)


def _connect_log(settings: Settings) -> Path:
    logs = sorted((connect_dir(settings) / "logs").glob(f"*{CONNECT_CLASS}*.out"))
    return logs[0] if logs else connect_dir(settings) / "logs" / "start.log"


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def start_connect(settings: Settings) -> Started:
    """A Spark Connect server (``SPARK_CONNECT_MASTER``, default ``local[2]``) on 127.0.0.1."""
    state = connect_dir(settings)
    (state / "logs").mkdir(parents=True, exist_ok=True)
    (state / "pids").mkdir(parents=True, exist_ok=True)
    _, pid = _connect_pid(settings)
    if pid and _running(pid, CONNECT_CLASS):
        raise ClusterError(
            f"a Spark Connect server is already running (pid {pid}); run `make connect-down` first"
        )
    port = settings.spark_connect_port
    _check_ports({"Spark Connect": port})
    script = spark_home() / "sbin" / "start-connect-server.sh"
    args = [
        "bash",
        str(script),
        "--master",
        settings.spark_connect_master,
        "--driver-memory",
        settings.driver_memory(),
        "--conf",
        f"spark.connect.grpc.binding.address={HOST}",
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        f"spark.driver.host={HOST}",
    ]
    start_log = state / "logs" / "start.log"
    try:
        with open(start_log, "w") as log:
            done = subprocess.run(
                args,
                env=_connect_env(settings),
                cwd=state,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=settings.cluster_timeout_s,
                start_new_session=True,  # detached from the caller's terminal signals
            )
    except subprocess.TimeoutExpired as exc:
        stop_connect(settings)
        raise ClusterError(f"start-connect-server.sh did not return\n{_tail(start_log)}") from exc
    _, pid = _connect_pid(settings)
    if done.returncode != 0 or not pid:
        raise ClusterError(
            f"start-connect-server.sh failed (exit {done.returncode})\n{_tail(start_log)}"
        )
    deadline = time.monotonic() + settings.cluster_timeout_s
    while not _port_open(port):
        if not _running(pid, CONNECT_CLASS):
            stop_connect(settings)  # removes the dead server's PID file
            raise ClusterError(
                f"the Spark Connect server (pid {pid}) exited during start-up\n"
                f"{_tail(_connect_log(settings))}"
            )
        if time.monotonic() >= deadline:
            stop_connect(settings)
            raise ClusterError(
                f"the Spark Connect server did not open {HOST}:{port} within "
                f"{settings.cluster_timeout_s:.0f} s\n"
                f"{_tail(_connect_log(settings))}"
            )
        time.sleep(0.5)
    return Started(connect_url(settings), None, {"connect": pid})


def stop_connect(settings: Settings) -> list[str]:
    """Stop the server whose PID file ``start_connect`` (spark-daemon.sh) wrote."""
    pid_file, pid = _connect_pid(settings)
    if not pid_file or not pid:
        return []
    stopped = []
    if _terminate(pid, CONNECT_CLASS):  # what stop-connect-server.sh does, plus the wait
        stopped.append(f"Spark Connect server (pid {pid})")
    pid_file.unlink(missing_ok=True)
    return stopped


# --- CLI ---------------------------------------------------------------------------------


def status(settings: Settings) -> list[str]:
    lines = []
    members = (
        _running_members(standalone_dir(settings)) if standalone_dir(settings).exists() else {}
    )
    if members:
        info = master_status(settings) or {}
        alive = info.get("aliveworkers", "?")
        pids = ", ".join(f"{k} {v}" for k, v in members.items())
        lines.append(f"standalone: {master_url(settings)} ({alive} workers alive; pids {pids})")
    _, pid = _connect_pid(settings)
    if pid and _running(pid, CONNECT_CLASS):
        lines.append(f"connect: {connect_url(settings)} (pid {pid})")
    return lines or ["no local cluster running"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.cluster",
        description="Start or stop a local Spark standalone cluster or Spark Connect server.",
    )
    parser.add_argument("action", choices=["up", "down", "connect-up", "connect-down", "status"])
    action = parser.parse_args(argv).action
    settings = Settings()
    try:
        if action == "up":
            started = start_standalone(settings)
            print(
                f"[cluster] master {started.url} with {settings.spark_workers} workers "
                f"({settings.spark_worker_cores} core, {settings.spark_worker_memory} each); "
                f"web UI {started.web_ui}"
            )
            print(f"[cluster] run: make pipeline SPARK_MASTER={started.url}")
        elif action == "connect-up":
            started = start_connect(settings)
            print(
                f"[connect] Spark Connect server at {started.url} "
                f"(master {settings.spark_connect_master}, pid {started.pids['connect']})"
            )
            print(f"[connect] run: SPARK_REMOTE={started.url} make pipeline")
        elif action in ("down", "connect-down"):
            stop = stop_standalone if action == "down" else stop_connect
            stopped = stop(settings)
            tag = "[cluster]" if action == "down" else "[connect]"
            print(f"{tag} stopped {', '.join(stopped)}" if stopped else f"{tag} nothing running")
        else:
            print("\n".join(status(settings)))
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
