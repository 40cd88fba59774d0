"""Atomic publication of a layer directory.

A layer is built in a fresh, hidden version directory beside it
(``DATA_DIR/.versions/<layer>-<stamp>``). Only when it is complete does
``DATA_DIR/<layer>`` switch to it, by atomically replacing a symlink. Readers
therefore see either the old layer or the new one, never a half-written one; a failed
or killed build leaves the previous version published. The previous version is kept
(so a reader that is still scanning it does not lose its files); older ones are pruned.

This needs a POSIX filesystem (local disk, or NFS shared by a cluster).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

VERSIONS_DIR = ".versions"
KEEP_PREVIOUS = 1


class PublishError(RuntimeError):
    """The layer path exists but is not something we may replace."""


def _versions_root(layer_path: Path) -> Path:
    return layer_path.parent / VERSIONS_DIR


def _stamp() -> str:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{stamp}-{os.getpid()}-{time.time_ns() % 10**6}"


@contextlib.contextmanager
def staged_layer(layer_path: Path) -> Iterator[Path]:
    """Yield a fresh build directory; publish it if the block succeeds, else delete it."""
    layer_path = Path(layer_path).absolute()
    if layer_path.exists() and not layer_path.is_symlink():
        raise PublishError(
            f"{layer_path} is a plain directory, not a published layer; "
            "move it away (or run `make clean`) and rebuild"
        )
    root = _versions_root(layer_path)
    root.mkdir(parents=True, exist_ok=True)
    build_dir = root / f"{layer_path.name}-{_stamp()}.building"
    build_dir.mkdir()
    try:
        yield build_dir
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    final_dir = build_dir.with_suffix("")  # drop ".building": marks the version complete
    build_dir.rename(final_dir)
    _swap_symlink(layer_path, final_dir)
    prune_versions(layer_path)


def _swap_symlink(layer_path: Path, target: Path) -> None:
    tmp_link = layer_path.parent / f".{layer_path.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(target, layer_path.parent))
    os.replace(tmp_link, layer_path)


def prune_versions(layer_path: Path) -> list[Path]:
    """Delete stale versions of a layer: keep the current one and KEEP_PREVIOUS before it.

    Also removes ``.building`` leftovers of killed runs.
    """
    root = _versions_root(layer_path)
    current = layer_path.resolve() if layer_path.is_symlink() else None
    mine = sorted(root.glob(f"{layer_path.name}-*"))
    complete = [p for p in mine if not p.name.endswith(".building") and p != current]
    stale = [p for p in mine if p.name.endswith(".building") and not _is_live(p)]
    stale += complete[: max(0, len(complete) - KEEP_PREVIOUS)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def _is_live(build_dir: Path) -> bool:
    """True if the process that owns a ``.building`` dir is still running."""
    try:
        pid = int(build_dir.name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return False
    return pid == os.getpid() or pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists (used to spot leftovers of killed builds)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_layer(layer_path: Path) -> None:
    """Unpublish a layer and delete all of its versions (used by ``make clean``)."""
    layer_path = Path(layer_path).absolute()
    if layer_path.is_symlink() or layer_path.is_file():
        layer_path.unlink()
    elif layer_path.is_dir():
        shutil.rmtree(layer_path)
    for path in _versions_root(layer_path).glob(f"{layer_path.name}-*"):
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def scratch_dir(root: Path, name: str) -> Iterator[Path]:
    """``root/<name>-<pid>``: a step's spill space, removed when the step ends (also on a
    failure). Folders left by killed steps (their pid is gone) are removed first."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(f"{name}-*"):
        pid = old.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    path = root / f"{name}-{os.getpid()}"
    path.mkdir(exist_ok=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            root.rmdir()  # only when no other step is using it
