"""The Kaggle download as it comes: a zip archive (``archive.zip``) or a ``.csv.gz``.

:func:`resolve_input` turns the input a user names (``RAW_CSV`` / ``--input``) into the CSV
that bronze reads. An archive is unpacked once to ``DATA_DIR/raw/tracks_features.csv``
(atomically, beside a ``.source.json`` naming the archive, its size and time); a later run
with the same archive reuses it. When ``RAW_CSV`` is absent but ``DATA_DIR/raw`` holds a zip
or a ``tracks_features.csv.gz``, that archive is used. Anything else is left to bronze's
input checks (which name other compressed or binary files).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

from pipeline.settings import Settings

MEMBER = "tracks_features.csv"
COPY_CHUNK = 16 << 20


class ArchiveError(ValueError):
    """An archive that does not hold the CSV (the message names what it holds)."""


def archive_kind(path: Path) -> str | None:
    """``"zip"`` or ``"gzip"`` by the file's first bytes, else None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except (IsADirectoryError, FileNotFoundError):
        return None
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return None


def find_archive(raw_dir: Path) -> Path | None:
    """The first zip or ``tracks_features.csv.gz`` in ``raw_dir``, if any."""
    candidates = sorted(Path(raw_dir).glob("*.zip")) + sorted(Path(raw_dir).glob("*.csv.gz"))
    return next((p for p in candidates if archive_kind(p)), None)


def resolve_input(settings: Settings) -> Settings:
    """Settings whose ``raw_csv`` is a plain CSV, unpacking an archive first if needed."""
    path = Path(settings.raw_csv)
    target = Path(settings.data_dir) / "raw" / MEMBER
    if path.is_file() and archive_kind(path):
        unpack(path, target)
        return settings.with_overrides(raw_csv=target)
    if not path.exists() and (archive := find_archive(path.parent)):
        unpack(archive, path)
    return settings


def _stamp(archive: Path) -> dict:
    st = archive.stat()
    return {"archive": str(archive.absolute()), "bytes": st.st_size, "mtime_ns": st.st_mtime_ns}


def unpack(archive: Path, target: Path) -> bool:
    """Unpack the CSV in ``archive`` to ``target`` unless it already holds it; True if done."""
    source = target.with_name(target.name + ".source.json")
    stamp = _stamp(archive)
    if target.exists() and source.exists() and json.loads(source.read_text()) == stamp:
        print(f"[input] {target} is already unpacked from {archive}")
        return False
    start = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with _open_member(archive) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, COPY_CHUNK)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    source.write_text(json.dumps(stamp, indent=2) + "\n")
    # The CSV is now the user's file, not the generated stand-in.
    target.with_name(target.name + ".generated.json").unlink(missing_ok=True)
    mb = target.stat().st_size / 1e6
    print(f"[input] unpacked {MEMBER} ({mb:,.1f} MB) from {archive} to {target} "
          f"in {time.perf_counter() - start:.1f}s")  # fmt: skip
    return True


def _open_member(archive: Path):
    """A binary stream of the CSV inside ``archive``."""
    if archive_kind(archive) == "gzip":
        return gzip.open(archive, "rb")
    zf = zipfile.ZipFile(archive)
    names = [n for n in zf.namelist() if Path(n).name == MEMBER]
    if not names:
        held = ", ".join(zf.namelist()[:10]) or "nothing"
        zf.close()
        raise ArchiveError(f"{archive}: the zip archive holds no {MEMBER} (it holds: {held})")
    return zf.open(names[0])
