"""`make bench` (editors): time `factsheet import` and `factsheet fmt --check` at scale (issue 15).

For each size N (default 10,000): synthetic content of N records (`bench.synth`, seed 0), and

* validate   — `pipeline.check` of the content alone: the reference the others are compared with;
* import     — a sheet of N new meetings (.csv, each row with two participants, a topic and a
               source from the content) read, mapped, validated together with the N existing
               records, and every file written (`importer.import_sheet` + `write_imported`);
               target <= 10 s at 10,000;
* fmt check  — `fmt.format_files(..., check=True)` over the N records; target <= 10 s.

Each step runs once (the machine may be shared: say so when quoting) and is reported as wall and
CPU time, with its ratio to validate measured in the same run.

What the profile of the import taught (cProfile, 10,000 rows on 10,000 records; was 22-30 s CPU):
a new id was made free against a fresh union of every id claimed so far (quadratic: a third of
the time); every [[id]] summary went through the Markdown tree because its link's placeholder
has a `[` (the pre-check now strips it); the model-shape lookups ran per cell; each file's
display path resolved the file; the collector, resumed after the pipeline's pause, walked every
record three times over. Left: YAML parsing of the records (a quarter), validating and linking
the 20,000 (two fifths), writing 10,000 files (a tenth).

    .venv/bin/python bench/editors_bench.py [--sizes 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.synth import write_content  # noqa: E402
from generator import pipeline  # noqa: E402
from generator.fmt import format_files  # noqa: E402
from generator.importer import import_sheet, write_imported  # noqa: E402

TARGET_S = 10.0


def timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    value = run()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def write_sheet(content: Path, path: Path, rows: int) -> None:
    """A sheet of `rows` new meetings that cite and name records of `content`."""
    actors = sorted(p.stem for p in (content / "actors").iterdir())
    topics = sorted(p.stem for p in (content / "topics").iterdir())
    sources = sorted(p.stem for p in (content / "sources").iterdir())
    header = [
        "title", "kind", "date", "participants.1.actor", "participants.1.role",
        "participants.2.actor", "participants.2.role", "topics", "summary", "cite", "status",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            one, two = actors[i % len(actors)], actors[(i * 7 + 3) % len(actors)]
            if one == two:
                two = actors[(i + 1) % len(actors)]
            writer.writerow(
                [
                    f"Imported meeting {i}",
                    "bilateral",
                    f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    one,
                    "host",
                    two,
                    "guest",
                    topics[i % len(topics)],
                    f"[[{one}]] received [[{two}]] for talks; a row of the benchmark sheet.",
                    sources[i % len(sources)],
                    "reported",
                ]
            )


def bench_size(n: int, root: Path, seed: int) -> list[tuple[str, float, float]]:
    content = root / f"n{n}" / "content"
    write_content(content, n, seed)
    sheet = root / f"n{n}" / "meetings.csv"
    write_sheet(content, sheet, n)
    rows = []
    wall, cpu, checked = timed(lambda: pipeline.check(content))
    assert checked.ok, checked.problems[:3]
    rows.append(("validate", wall, cpu))

    wall, cpu, result = timed(lambda: format_files([content], check=True))
    assert result.files == n
    rows.append((f"fmt --check ({result.files} files)", wall, cpu))

    def run_import():
        imported = import_sheet(content, "meetings", sheet)
        assert imported.ok, imported.problems[:3]
        write_imported(imported)
        return imported

    wall, cpu, imported = timed(run_import)
    assert len(imported.changes.added) == n
    rows.append((f"import ({n} rows)", wall, cpu))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="factsheets-editors-bench-"))
    try:
        print(
            f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}, cpus: {os.cpu_count()}"
        )
        for n in (int(s) for s in args.sizes.split(",")):
            rows = bench_size(n, root, args.seed)
            reference = rows[0][2] or 1e-9
            print(f"\nN = {n:,} records")
            print(f"{'step':32} {'wall s':>8} {'cpu s':>8} {'cpu/validate':>13}  target")
            for name, wall, cpu in rows:
                target = ""
                if not name.startswith("validate"):
                    target = f"<= {TARGET_S:.0f} s: {'PASS' if cpu <= TARGET_S else 'MISS'} (cpu)"
                print(f"{name:32} {wall:8.2f} {cpu:8.2f} {cpu / reference:13.2f}  {target}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
