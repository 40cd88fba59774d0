"""Start a real dashboard server in a subprocess (used by tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(data_dir: Path, reports_dir: Path, timeout: float = 90):
    """``python -m dashboard`` on a free loopback port; returns (process, url).

    Its output goes to ``dashboard-<port>.log`` in the system temp folder.
    """
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(data_dir), "REPORTS_DIR": str(reports_dir),
           "HOST": "127.0.0.1", "PORT": str(port)}  # fmt: skip
    log_path = Path(tempfile.gettempdir()) / f"dashboard-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "dashboard"], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/gradio_api/info", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"dashboard did not start within {timeout:.0f} s")
