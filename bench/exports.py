"""Benchmark: the export writers' memory stays flat with the row count.

What an export job runs (``parity.core.export_jobs.write_job_file``): the people export's
rows, read with ``.iterator(chunk_size=2000)`` and their open residence and current job
prefetched, written to a file as .xlsx (openpyxl's write-only mode) and as CSV (line by
line). For N and 10 N people it reports the time and the peak of Python's allocations
(tracemalloc, a run of its own so that tracing does not slow the timed run) and the ratio
10 N / N. The baseline, measured in the same run, is the same rows first gathered in a
list (what a writer that builds the file in memory holds): its peak grows with N. A run
for N = 10,000 takes about a quarter of an hour on two busy cores.

    .venv/bin/python bench/exports.py [--rows 10000] [--database-url URL]

Reads only (BENCH_DATABASE_URL, default the scale-1 demo city ``parity_city1``): the
people with the lowest ids. Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_city1"
MB = 1024 * 1024
# (format, writer, rows gathered in a list first): the baseline once, with the faster writer.
RUNS = (
    ("xlsx", "streaming", False),
    ("csv", "streaming", False),
    ("csv", "baseline: list first", True),
)


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _people(rows: int):
    from parity.people.models import Person

    last = Person.objects.order_by("id").values_list("id", flat=True)[rows - 1]
    return Person.objects.filter(id__lte=last)


def _writer(fmt: str, rows: int, *, materialise: bool) -> Callable[[Path], int]:
    from parity.core.exports import write_csv, write_xlsx
    from parity.people.exports import SHEET_TITLE, export_rows
    from parity.people.imports.columns import HEADERS

    def write(path: Path) -> int:
        source = export_rows(_people(rows))
        values = list(source) if materialise else source
        if fmt == "csv":
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                return write_csv(handle, HEADERS, values)
        return write_xlsx(str(path), SHEET_TITLE, HEADERS, values)

    return write


def _measure(write: Callable[[Path], int], folder: Path, fmt: str) -> tuple[float, float, int]:
    """(seconds, peak MB of Python allocations, rows written)."""
    target = folder / f"out.{fmt}"
    gc.collect()
    started = time.perf_counter()
    written = write(target)
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    write(target)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / MB, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="N (the larger run is 10 N)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    _setup(args.database_url)
    from parity.people.models import Person

    small, large = args.rows, args.rows * 10
    have = Person.objects.count()
    if have < large:
        raise SystemExit(f"the database holds {have} people; 10 N = {large} are needed")
    print(f"# {platform.python_version()}, {os.cpu_count()} cores, {have} people in the database")
    print("| format | writer | rows | seconds | peak MB | rows/s |")
    print("|---|---|---:|---:|---:|---:|")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt, label, materialise in RUNS:
            peaks, times = [], []
            for rows in (small, large):
                write = _writer(fmt, rows, materialise=materialise)
                seconds, peak, written = _measure(write, folder, fmt)
                assert written == rows, (written, rows)
                peaks.append(peak)
                times.append(seconds)
                print(
                    f"| {fmt} | {label} | {rows:,} | {seconds:.1f} | {peak:.1f} |"
                    f" {rows / seconds:,.0f} |",
                    flush=True,
                )
            ratios.append((fmt, label, peaks[1] / peaks[0], times[1] / times[0]))
    print()
    print("| format | writer | peak 10N / N | time 10N / N |")
    print("|---|---|---:|---:|")
    for fmt, label, peak_ratio, time_ratio in ratios:
        print(f"| {fmt} | {label} | {peak_ratio:.2f} | {time_ratio:.1f} |")


if __name__ == "__main__":
    main()
