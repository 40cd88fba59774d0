"""The file in fixed-size blocks, each a catalogue of its own, made in parallel and
written in order."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.generate.catalogue import Catalogue
from pipeline.generate.csvout import Table
from pipeline.generate.targets import BLOCK_ROWS, HEAD_ARTISTS
from pipeline.schema import RAW_COLUMNS


@dataclass(frozen=True)
class GenerateResult:
    path: Path
    rows: int
    bytes: int
    seconds: float


# ---------------------------------------------------------------------------------------------
# Blocks: the file is written in fixed-size blocks, each a catalogue of its own
# ---------------------------------------------------------------------------------------------


def block_sizes(rows: int, block_rows: int = BLOCK_ROWS) -> list[int]:
    """Rows of each block: ``ceil(rows / block_rows)`` blocks, sizes differing by at most 1."""
    if rows < 0:
        raise ValueError("rows must be >= 0")
    count = max(1, -(-rows // block_rows))
    base, extra = divmod(rows, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _block_seed(seed: int, index: int) -> tuple[int, ...]:
    """Block 0 draws from ``seed`` itself (a one-block file is what it always was)."""
    return (seed,) if index == 0 else (seed, 0xB10C, index)


_HEADS: dict[tuple[int, int], dict] = {}


def _head(rows0: int, seed: int) -> dict:
    """Block 0's top artists: its artist pool made again (a fraction of a second)."""
    key = (rows0, seed)
    if key not in _HEADS:
        cat = Catalogue(rows0, _block_seed(seed, 0))
        cat.make_artists(max(4, cat.plan()[2] // 10))
        k = HEAD_ARTISTS
        _HEADS[key] = {
            "name": cat.a_name[:k], "ids": cat.a_ids[:k].copy(), "genre": cat.a_genre[:k].copy(),
            "lang": cat.a_lang[:k].copy(), "anchor": cat.anchor[:k].copy(),
        }  # fmt: skip
    return _HEADS[key]


def _block_table(rows: int, seed: int, index: int, block_rows: int) -> Table:
    sizes = block_sizes(rows, block_rows)
    head = _head(sizes[0], seed) if index > 0 else None
    head_weight = float(np.sqrt(1.0 / len(sizes)))  # 1.0 for a one-block file
    return Table(sizes[index], _block_seed(seed, index), head, head_weight)


def _block_bytes(rows: int, seed: int, index: int, block_rows: int) -> bytes:
    """Block ``index`` of the file as UTF-8 CSV lines (no header)."""
    return "".join(_block_table(rows, seed, index, block_rows).lines()).encode("utf-8")


def _header() -> str:
    return ",".join(RAW_COLUMNS) + "\n"


def generate_lines(rows: int, seed: int = 42, chunk: int = 100_000, block_rows: int = BLOCK_ROWS):
    """Yield the CSV text (header first) in chunks of whole lines, LF-terminated."""
    yield _header()
    for index in range(len(block_sizes(rows, block_rows))):
        yield from _block_table(rows, seed, index, block_rows).lines(chunk)


def generate_frame(rows: int, seed: int = 42, block_rows: int = BLOCK_ROWS):
    """The rows of ``generate_csv(path, rows, seed)`` as a typed pandas DataFrame.

    Floats are the exact values of the written text (``float(s)``, i.e. what
    ``pd.read_csv(..., float_precision="round_trip")`` gives). pandas' default parser is off by
    one ulp on ~12% of them, exactly as it is on the real file.
    """
    import pandas as pd

    blocks = range(len(block_sizes(rows, block_rows)))
    frames = [_block_table(rows, seed, i, block_rows).frame() for i in blocks]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _blocks_in_order(rows: int, seed: int, workers: int, block_rows: int):
    """Each block's bytes, in file order, made by ``workers`` processes (at most
    ``workers + 1`` finished blocks wait in memory)."""
    count = len(block_sizes(rows, block_rows))
    if workers <= 1 or count == 1:
        for index in range(count):
            yield _block_bytes(rows, seed, index, block_rows)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Forking is instant and inherits the imports (a spawned worker re-imports numpy and
    # pyspark: about 2 s); it is safe only while this process has no other thread.
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with ProcessPoolExecutor(min(workers, count), mp_context=context) as pool:
        job = (rows, seed)
        pending = [
            pool.submit(_block_bytes, *job, i, block_rows) for i in range(min(count, workers + 1))
        ]
        for index in range(count):
            data = pending.pop(0).result()
            nxt = index + len(pending) + 1
            if nxt < count:
                pending.append(pool.submit(_block_bytes, *job, nxt, block_rows))
            yield data


def write_sidecar(result: GenerateResult, seed: int) -> Path:
    """``<csv>.generated.json`` (rows, seed, sha256): lets reports say the data is the
    generated stand-in, and which."""
    import json

    from pipeline.manifest import sha256_file

    info = {"rows": result.rows, "seed": seed, "sha256": sha256_file(result.path)}
    sidecar = Path(str(result.path) + ".generated.json")
    sidecar.write_text(json.dumps(info, indent=2) + "\n")
    return sidecar


def generate_csv(
    path: Path | str,
    rows: int,
    seed: int = 42,
    workers: int | None = None,
    progress=None,
    block_rows: int = BLOCK_ROWS,
) -> GenerateResult:
    """Write ``rows`` synthetic rows (plus the header) to ``path`` atomically.

    Blocks are made by ``workers`` processes (default: every core); the bytes do not depend
    on it. ``progress(rows_written, rows)`` is called after each block. ``block_rows`` is
    for tests: the file depends on it.
    """
    t0 = time.perf_counter()
    path = Path(path)
    sizes = block_sizes(rows, block_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    workers = workers or os.cpu_count() or 1
    try:
        with open(tmp, "wb") as fh:
            fh.write(_header().encode("utf-8"))
            for index, data in enumerate(_blocks_in_order(rows, seed, workers, block_rows)):
                fh.write(data)
                if progress:
                    progress(sum(sizes[: index + 1]), rows)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return GenerateResult(
        path=path, rows=rows, bytes=path.stat().st_size, seconds=time.perf_counter() - t0
    )
