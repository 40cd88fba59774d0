"""Layer results and their ``_manifest.json`` files."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "_manifest.json"


@dataclass
class LayerResult:
    """What a layer build did: the counts must add up (``rows_in == rows_out + dropped``)."""

    layer: str
    rows_in: int
    rows_out: int
    rows_dropped: int  # quarantined (bronze) or rejected (silver)
    dropped_by_reason: dict[str, int]
    seconds: float
    bytes_written: int
    path: Path
    extra: dict[str, object] = field(default_factory=dict)

    def check_accounting(self) -> None:
        """Raise if any input row is unaccounted for."""
        if self.rows_in != self.rows_out + self.rows_dropped:
            raise AssertionError(
                f"{self.layer}: rows_in {self.rows_in} != rows_out {self.rows_out} "
                f"+ dropped {self.rows_dropped}"
            )
        if sum(self.dropped_by_reason.values()) != self.rows_dropped:
            raise AssertionError(f"{self.layer}: reasons do not sum to {self.rows_dropped}")

    def check_publishable(self, max_bad_share: float) -> None:
        """Raise :class:`~pipeline.publish.NotPublishedError` when nothing is left, or when
        more than ``max_bad_share`` of the rows were dropped: a whole-file problem (wrong
        delimiter, a column too many) that must not replace a good layer."""
        from pipeline.publish import NotPublishedError

        share = self.rows_dropped / self.rows_in if self.rows_in else 0.0
        if self.rows_out and share <= max_bad_share:
            return
        verb = "quarantined" if self.layer == "bronze" else "rejected"
        top = sorted(self.dropped_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        reasons = ", ".join(f"{k} {v:,}" for k, v in top) or "none"
        why = "no rows left" if not self.rows_out else f"above MAX_BAD_SHARE={max_bad_share:g}"
        raise NotPublishedError(
            f"{self.layer} not published: {self.rows_dropped:,} of {self.rows_in:,} rows "
            f"{verb} ({share:.1%}, {why}); top reasons: {reasons}"
        )

    def summary(self) -> str:
        """One readable line for the console."""
        verb = "quarantined" if self.layer == "bronze" else "rejected"
        top = sorted(self.dropped_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        reasons = ", ".join(f"{k}={v:,}" for k, v in top)
        return (
            f"[{self.layer}] rows in {self.rows_in:,} -> out {self.rows_out:,}, "
            f"{verb} {self.rows_dropped:,}{f' ({reasons})' if reasons else ''}; "
            f"wrote {human_bytes(self.bytes_written)} in {self.seconds:.1f}s -> {self.path}"
        )


def human_bytes(n: float) -> str:
    """Bytes in binary units, labelled as such (1 MiB = 1,048,576 bytes)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def dir_bytes(path: Path) -> int:
    """Total bytes of the data files under ``path`` (ignores hidden/CRC files)."""
    return sum(
        p.stat().st_size
        for p in Path(path).rglob("*")
        if p.is_file() and not p.name.startswith((".", "_"))
    )


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def write_manifest(directory: Path, payload: dict) -> Path:
    path = Path(directory) / MANIFEST_NAME
    path.write_text(json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n")
    return path


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST_NAME
    if not path.exists():
        raise FileNotFoundError(f"no manifest at {path}: build that layer first")
    return json.loads(path.read_text())


# How each layer names the rows it drops, in its manifest.
DROPPED_NAMES = {
    "bronze": ("rows_quarantined", "quarantined_by_reason"),
    "silver": ("rows_rejected", "rejects_by_reason"),
}


def result_payload(result: LayerResult) -> dict:
    """The manifest fields of a layer result, named the way that layer names them."""
    data = asdict(result)
    data["path"] = str(result.path)
    extra = data.pop("extra")
    count_name, reasons_name = DROPPED_NAMES.get(
        result.layer, ("rows_dropped", "dropped_by_reason")
    )
    data[count_name] = data.pop("rows_dropped")
    data[reasons_name] = data.pop("dropped_by_reason")
    return {**data, **extra}
