"""Atomic publication of a layer directory.

A layer is built in a fresh, hidden version directory beside it
(``DATA_DIR/.versions/<layer>-<stamp>``). Only when it is complete does
``DATA_DIR/<layer>`` switch to it, by atomically replacing a symlink. Readers
therefore see either the old layer or the new one, never a half-written one; a failed
or killed build leaves the previous version published. The previous version is kept
(so a reader that is still scanning it does not lose its files); older ones are pruned.

One writer per layer: a build holds an OS lock (``fcntl.flock`` on
``.versions/<layer>.lock``) from start to publication, so a second build of the same layer
stops at once, naming the first; a killed holder's lock is released by the OS. Readers take
no lock: they resolve the layer once and *pin* that version (:func:`pinned`), so pruning
never deletes a version a running step reads, however often the layer is republished.

A build whose output is refused (:class:`NotPublishedError`: empty, or too many rows lost)
is kept unpublished as ``<layer>-<stamp>.refused`` for inspection; only the newest is kept.

This needs a POSIX filesystem (local disk, or NFS shared by a cluster).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

VERSIONS_DIR = ".versions"
KEEP_PREVIOUS = 1


class PublishError(RuntimeError):
    """The layer path exists but is not something we may replace."""


class LayerBusyError(RuntimeError):
    """Another build of the same layer holds its writer lock."""


class NotPublishedError(RuntimeError):
    """A finished build whose output must not replace the published layer (the builder
    says why); :func:`staged_layer` keeps it aside and adds where to the message."""


def _versions_root(layer_path: Path) -> Path:
    return layer_path.parent / VERSIONS_DIR


def _stamp() -> str:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{stamp}-{os.getpid()}-{time.time_ns() % 10**6}"


@contextlib.contextmanager
def writer_lock(layer_path: Path) -> Iterator[None]:
    """Hold the layer's writer lock for the block, or raise :class:`LayerBusyError` at once."""
    layer_path = Path(layer_path).absolute()
    root = _versions_root(layer_path)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / f"{layer_path.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "pid ?"
            raise LayerBusyError(
                f"another {layer_path.name} build ({holder}) is writing {layer_path}; "
                "wait for it to finish, or stop it"
            ) from None
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, running since {since}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def staged_layer(layer_path: Path) -> Iterator[Path]:
    """Under the layer's writer lock, yield a fresh build directory; publish it if the block
    succeeds, keep it aside if the block raises :class:`NotPublishedError`, else delete it."""
    layer_path = Path(layer_path).absolute()
    if layer_path.exists() and not layer_path.is_symlink():
        raise PublishError(
            f"{layer_path} is a plain directory, not a published layer; "
            "move it away (or run `make clean`) and rebuild"
        )
    with writer_lock(layer_path):
        root = _versions_root(layer_path)
        build_dir = root / f"{layer_path.name}-{_stamp()}.building"
        build_dir.mkdir()
        try:
            yield build_dir
        except NotPublishedError as exc:
            kept = build_dir.with_suffix(".refused")
            build_dir.rename(kept)
            prune_versions(layer_path)
            raise NotPublishedError(
                f"{exc}; {layer_path} still holds the previous version; the refused one "
                f"is kept for inspection in {kept}"
            ) from None
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        final_dir = build_dir.with_suffix("")  # drop ".building": marks the version complete
        build_dir.rename(final_dir)
        _swap_symlink(layer_path, final_dir)
        prune_versions(layer_path)


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` whole or not at all; a failed write leaves no temp file
    (and the temp files of killed writers, named by pid, go with the next write)."""
    path = Path(path)
    for old in of_dead_processes(path.parent, f".{path.name}.tmp-*"):
        old.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


PINS_DIR = "pins"


@contextlib.contextmanager
def pinned(layer_path: Path) -> Iterator[Path]:
    """The layer's current version, resolved once; not pruned while the block runs.

    A step reading a layer reads this path, never the layer's link, so a republish during
    the step changes nothing it sees. A pin is a file naming the version and this process;
    a killed process's pins are ignored (and removed by the next prune).
    """
    layer_path = Path(layer_path).absolute()
    version = layer_path.resolve()
    pins = _versions_root(layer_path) / PINS_DIR
    pins.mkdir(parents=True, exist_ok=True)
    pin = pins / f"{version.name}.{os.getpid()}.{time.time_ns()}"
    pin.touch()
    try:
        yield version
    finally:
        pin.unlink(missing_ok=True)


def _pinned_names(root: Path) -> set[str]:
    """Versions that a live process reads; dead processes' pins are removed."""
    names = set()
    for pin in (root / PINS_DIR).glob("*.*.*"):
        version, pid, _ = pin.name.rsplit(".", 2)
        if pid.isdigit() and pid_alive(int(pid)):
            names.add(version)
        else:
            pin.unlink(missing_ok=True)
    return names


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
    mine = sorted(p for p in root.glob(f"{layer_path.name}-*") if p.is_dir())
    building = [p for p in mine if p.suffix == ".building"]
    refused = [p for p in mine if p.suffix == ".refused"]
    complete = [p for p in mine if p not in building and p not in refused and p != current]
    stale = [p for p in building if not _is_live(p)] + refused[:-1]
    stale += complete[: max(0, len(complete) - KEEP_PREVIOUS)]
    in_use = _pinned_names(root)
    stale = [p for p in stale if p.name not in in_use]
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


def of_dead_processes(folder: Path, pattern: str) -> list[Path]:
    """The paths in ``folder`` matching ``pattern`` whose name ends in ``-<pid>`` of a process
    that is gone: what killed steps left behind."""
    found = []
    for path in Path(folder).glob(pattern):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not pid_alive(int(pid)):
            found.append(path)
    return found


def remove_dead_scratch(root: Path, name: str) -> None:
    """Remove ``root/<name>-<pid>`` folders whose process is gone (a killed step's)."""
    for old in of_dead_processes(root, f"{name}-*"):
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def scratch_dir(root: Path, name: str) -> Iterator[Path]:
    """``root/<name>-<pid>``: a step's spill space, removed when the step ends (also on a
    failure). Folders left by killed steps (their pid is gone) are removed first."""
    root.mkdir(parents=True, exist_ok=True)
    remove_dead_scratch(root, name)
    path = root / f"{name}-{os.getpid()}"
    path.mkdir(exist_ok=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            root.rmdir()  # only when no other step is using it
