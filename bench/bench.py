"""`make bench`: time validate, generate and the full `mkdocs build` on synthetic content.

For each size N (default 1,000 and 10,000 records; content from `bench.synth`, seed 0):

* bare load   — `yaml.load(..., Loader=yaml.CSafeLoader)` of every file: the floor any YAML
                validator pays (issue 2: validate <= 2x this);
* validate    — `pipeline.check` (our loader, schema, links), what `factsheet validate` runs;
* generate    — `pipeline.build`: validate + every Markdown page and data file, in memory;
* build       — a real `mkdocs build --strict` of the project's mkdocs.yml (plugin, theme,
                overrides) in a fresh process, with its own wall time, CPU time and peak RSS,
                run as `make site` runs it (--dirty into an empty .site.new/, swapped in);
* reuse       — the data files for reuse alone (api/, data/popolo.json, data/facts.db; issue 12),
                in process, per kind; and the full build again without them, side by side
                (issue 12: what they add to the full build <= 15%);
* history     — `history.read_history` over a git repository of the content with --commits
                commits (first: every record; then 5 edits each): one `git log --raw`, one
                `git cat-file --batch`, every blob parsed and compared (issue 11: <= 10% of the
                full build); then the feeds and calendars drawn from it;
* baseline    — mkdocs-material building the very Markdown that `generate` produced, written
                out as plain files, with the same theme settings, Markdown extensions, search
                languages and 7-page nav but none of our plugins, and Material's search
                plugin (issue 3: build <= 1.3x this; issue 10: <= 0.8x).
* second build — `make site`'s build again after renaming one actor, reading the state the
                full build left in .cache/ and hard-linking site/'s unchanged files, median of
                three such edits and builds (issue 10: <= 10 s at 10,000 records);
* edit → preview — a real `mkdocs serve --dirty` (`make serve`): from saving an actor's new name to both its page and
                a meeting page that lists it being served with the new name, median of three
                saves (issue 10: <= 3 s at 10,000 records; wall time, what the editor waits).

* large meeting — one meeting with 500 and with 2,000 participants (bench/large_meeting.py):
                validate, generate and the Markdown's size side by side, and a full build of
                the larger (issue 14: every page's size linear in the facts it shows).
* profile     — with --profile, one more cold `mkdocs build --strict` per size, under cProfile
                (bench/profile_build.py): where its time goes by component, a table after the
                report; off by default, as cProfile makes a build up to twice as slow
                (bench/profile.md keeps the tables at 1,000 and 10,000 records).

In-process steps are timed best of --repeat runs; each build runs once in its own process.
Every figure is given as wall and CPU time; targets are judged on CPU time unless --by wall
(on a shared machine wall time mostly measures the neighbours). They are reported PASS/MISS; a
miss does not fail the script (exit 1 only if a build fails). About 30 minutes on 2 cores.

    .venv/bin/python bench/bench.py [--sizes 1000,10000] [--skip-build] [--keep DIR]
                                    [--repeat 3] [--by cpu|wall] [--seed 0]
                                    [--large-meeting 500,2000] [--commits 200] [--profile]

--keep DIR keeps DIR/n<N>/ours/{content,site} and DIR/n<N>/baseline/{docs,site} (e.g. for the
browser benchmark of issue 4); without it everything is written to a temp dir and removed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/bench.py` puts bench/ first on the path, where `bench` would be this very file:
# import the `bench` package (and `generator`) from the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import yaml  # noqa: E402

from bench import large_meeting  # noqa: E402
from bench.githistory import commit_history  # noqa: E402
from bench.synth import write_content  # noqa: E402
from generator import pipeline  # noqa: E402
from generator.history import read_history  # noqa: E402
from generator.model import TYPES  # noqa: E402
from generator.render import follow_files  # noqa: E402
from tests.sitebuild import BUILD_ENV, copy_project  # noqa: E402

ENV = {**BUILD_ENV, "FACTSHEETS_EDIT_URL": ""}
TARGET_VALIDATE = 2.0  # validate <= 2x bare CSafeLoader load
TARGET_BUILD = 1.3  # full build <= 1.3x pre-written baseline
TARGET_COLD = 0.8  # issue 10: the cold build <= 0.8x the same Markdown built by plain Material
TARGET_SCALING = 1.1  # 10x the records <= 11x the time
TARGET_MEMORY_MB = 1024  # peak memory <= 1 GB
TARGET_SECOND_BUILD = 10.0  # second build after a one-record edit <= 10 s (10,000 records)
TARGET_PREVIEW = 3.0  # edit -> preview in mkdocs serve <= 3 s (10,000 records)
# today's figures before incremental builds (issue 10): every serve rebuild was a full build
BEFORE = {1000: "about 16 s", 10000: "about 124 s"}
TARGET_REUSE = 0.15  # the data files for reuse add <= 15% to the full build
TARGET_HISTORY = 0.10  # reading the git history <= 10% of the full build

# Runs `mkdocs <args>` in this process and reports its own wall time, CPU time and peak RSS to
# the JSON file named by argv[1]: each build is measured alone, in a fresh interpreter.
CHILD = r"""
import json, os, resource, sys, time
start = time.perf_counter()
if os.environ.get("BENCH_WITHOUT_REUSE"):  # the same build without the data files for reuse
    import generator.pipeline as pipeline
    pipeline.api_files = pipeline.popolo_files = pipeline.sqlite_files = lambda facts, **kw: {}
from mkdocs.__main__ import cli
code = 0
try:
    cli.main(args=sys.argv[2:], prog_name="mkdocs")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
# The peak of this process's own memory: Linux keeps ru_maxrss across execve, so a child of the
# bench (1.1 GB when it has made 10,000 records) would report the bench's peak; the memory
# map's high-water mark (VmHWM) starts anew with the program. git's own peaks are far smaller.
peak = max(me.ru_maxrss, kids.ru_maxrss)
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration, ValueError):
    pass  # not Linux: ru_maxrss, which other systems do not carry over execve
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "seconds": time.perf_counter() - start,
               "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
               "maxrss_kb": peak}, out)
sys.exit(code)
"""


@dataclass
class Timing:
    wall: float
    cpu: float


@dataclass
class BuildResult:
    wall: float
    cpu: float
    peak_mb: float
    ok: bool
    log: Path


@dataclass
class SizeResult:
    n: int
    counts: dict[str, int] = field(default_factory=dict)
    content_mb: float = 0.0
    write: float = 0.0
    bare: Timing | None = None
    validate: Timing | None = None
    generate: Timing | None = None
    pages: int = 0
    reuse: dict[str, Timing] = field(default_factory=dict)
    reuse_bytes: int = 0
    commit_seconds: float = 0.0
    commits: int = 0
    events: int = 0
    blobs: int = 0
    history: Timing | None = None
    follow: Timing | None = None
    follow_files: int = 0
    ours: BuildResult | None = None
    ours_without_reuse: BuildResult | None = None
    baseline: BuildResult | None = None
    second: BuildResult | None = None  # the median of second_runs
    second_runs: list[BuildResult] = field(default_factory=list)
    serve_start: float | None = None
    previews: list[float] = field(default_factory=list)
    profile: str = ""  # the cold build's profile table (--profile)


def _cpu() -> float:
    """CPU time of this process and of the child processes it waited for (git, for the history)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def best_of(repeat: int, run) -> tuple[Timing, object]:
    """Run `run()` `repeat` times; return the fastest wall time (with its CPU time), last result."""
    best: Timing | None = None
    result = None
    for _ in range(max(1, repeat)):
        result = None  # free the previous run's result before the next one
        gc.collect()
        wall, cpu = time.perf_counter(), _cpu()
        result = run()
        timing = Timing(time.perf_counter() - wall, _cpu() - cpu)
        if best is None or timing.wall < best.wall:
            best = timing
    assert best is not None
    return best, result


def record_files(content: Path) -> list[Path]:
    return [p for t in TYPES for p in sorted((content / t).glob("*.yml"))]


def bare_load(files: list[Path]) -> int:
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return len(files)


class _EnvLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: `!ENV [NAME, default]` gives the default."""


_EnvLoader.add_constructor(
    "!ENV",
    lambda loader, node: (
        loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None
    ),
)


def baseline_config() -> dict:
    """The project's mkdocs.yml with the same theme, Markdown and search but none of our plugins."""
    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    theme = {k: v for k, v in ours["theme"].items() if k != "custom_dir"}
    search = next(
        (p["search"] for p in ours.get("plugins", []) if isinstance(p, dict) and "search" in p), {}
    )
    return {
        "site_name": ours["site_name"],
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": ours.get("use_directory_urls", True),
        "theme": theme,
        "markdown_extensions": ours.get("markdown_extensions", []),
        "plugins": [{"search": search}],
        "validation": ours.get("validation", {}),
        # like the plugin: record pages are outside the nav on purpose, index pages are in it
        "not_in_nav": "/*/*.md\n!index.md\n",
        "nav": ours["nav"],
    }


def run_build(
    workdir: Path,
    extra_env: dict | None = None,
    name: str = "build",
    strict: bool = True,
    as_make_site: bool = False,
) -> BuildResult:
    """`mkdocs build --strict` in `workdir`, in a fresh process; log in workdir/<name>.log.

    `as_make_site`: as `make site` builds (the Makefile): --dirty into .site.new/, the files of
    site/ that are unchanged hard-linked (FACTSHEETS_PREVIOUS_SITE), then swapped in as site/."""
    if as_make_site:
        shutil.rmtree(workdir / ".site.new", ignore_errors=True)
        extra_env = {**(extra_env or {}), "FACTSHEETS_PREVIOUS_SITE": "site"}
    report = workdir / f"{name}-report.json"
    log = workdir / f"{name}.log"
    env = {**os.environ, **ENV, **(extra_env or {})}
    wall = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(report),
                "build",
                # mkdocs.yml says `strict: true`; only the flag overrides it
                "--strict" if strict else "--no-strict",
                *(["--dirty", "-d", ".site.new"] if as_make_site else ["-d", "site"]),
            ],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if as_make_site and proc.returncode == 0:
        shutil.rmtree(workdir / "site", ignore_errors=True)
        (workdir / ".site.new").rename(workdir / "site")
    wall = time.perf_counter() - wall
    data = (
        json.loads(report.read_text())
        if report.exists()
        else {"cpu": float("nan"), "maxrss_kb": float("nan")}
    )
    ok = proc.returncode == 0
    if not ok:
        tail = log.read_text(errors="replace").splitlines()[-25:]
        print(
            f"  !! build in {workdir} failed (exit {proc.returncode}); last lines of {log}:",
            file=sys.stderr,
        )
        print("\n".join("     " + line for line in tail), file=sys.stderr)
    return BuildResult(wall, data["cpu"], data["maxrss_kb"] / 1024, ok, log)


SECOND_BUILD_NAMES = ("Benchmark Renamed", "Benchmark Renamed Again", "Benchmark Renamed")


def median_build(runs: list[BuildResult]) -> BuildResult:
    """Several builds as one: the median wall and CPU time, the highest peak."""
    return BuildResult(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak_mb for r in runs),
        all(r.ok for r in runs),
        runs[-1].log,
    )


def edited_pair(content: Path) -> tuple[str, str]:
    """An actor and a meeting whose page lists it (the first meeting's first participant)."""
    for path in sorted((content / "meetings").glob("*.yml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if data.get("participants"):
            return data["participants"][0]["actor"], path.stem
    raise SystemExit("synthetic content has no meeting with participants")


def rename(path: Path, name: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M), "utf-8")


def _served(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def bench_serve(
    workdir: Path, actor: str, meeting: str, saves: int = 3
) -> tuple[float, list[float]]:
    """Start `mkdocs serve`; time each save of a new name until both pages are served with it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    pages = [f"{base}/actors/{actor}/", f"{base}/meetings/{meeting}/"]
    log = (workdir / "serve.log").open("w")
    start = time.perf_counter()
    serve = subprocess.Popen(
        # as `make serve`: --dirty, so unchanged files are left as written (generator/sitedir.py)
        [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dirty", "-a", f"127.0.0.1:{port}"],
        cwd=workdir,
        env={**os.environ, **ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previews = []
    try:
        while "Benchmark Renamed" not in _served(pages[0]):
            if serve.poll() is not None or time.perf_counter() - start > 3600:
                raise SystemExit(f"mkdocs serve did not start: see {workdir / 'serve.log'}")
            time.sleep(0.2)
        started = time.perf_counter() - start
        for k in range(saves):
            name = f"Benchmark Save {k}"
            saved = time.perf_counter()
            rename(workdir / "content" / "actors" / f"{actor}.yml", name)
            while not all(name in _served(url) for url in pages):
                if time.perf_counter() - saved > 1800:
                    raise SystemExit(
                        f"the preview never showed {name!r}: see {workdir / 'serve.log'}"
                    )
                time.sleep(0.05)
            previews.append(time.perf_counter() - saved)
            time.sleep(1)  # let the watcher settle before the next save
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        log.close()
    return started, previews


def du_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(n: int, root: Path, args: argparse.Namespace) -> SizeResult:
    result = SizeResult(n)
    ours_dir, base_dir = root / f"n{n}" / "ours", root / f"n{n}" / "baseline"
    for folder in (ours_dir, base_dir):
        if folder.exists():
            shutil.rmtree(folder)
    ours_dir.mkdir(parents=True)
    content = ours_dir / "content"

    say(f"[{n:,}] writing synthetic content (seed {args.seed}) to {content}")
    start = time.perf_counter()
    result.counts = write_content(content, n, seed=args.seed)
    result.write = time.perf_counter() - start
    files = record_files(content)
    result.content_mb = sum(p.stat().st_size for p in files) / 1e6
    bare_load(files)  # warm the page cache: every timed step reads the same files

    say(f"[{n:,}] bare CSafeLoader load vs validate, best of {args.repeat}")
    result.bare, _ = best_of(args.repeat, lambda: bare_load(files))
    result.validate, checked = best_of(args.repeat, lambda: pipeline.check(content))
    if not checked.ok:
        errors = [p for p in checked.problems if p.is_error][:10]
        raise SystemExit(
            "synthetic content is invalid (a bug in bench/synth.py):\n"
            + "\n".join(map(str, errors))
        )
    del checked

    say(f"[{n:,}] git history: {args.commits} commits in {ours_dir}")
    start = time.perf_counter()
    commit_history(ours_dir, commits=args.commits, seed=args.seed)
    result.commit_seconds = time.perf_counter() - start
    say(f"[{n:,}] read_history (one git log + one cat-file), best of {args.repeat}")
    result.history, history = best_of(args.repeat, lambda: read_history(ours_dir, content))
    assert history.available, history.reason
    result.commits, result.events, result.blobs = (
        history.commits,
        len(history.events),
        history.blobs,
    )
    facts = pipeline.check(content).facts  # the records as edited
    result.follow, written = best_of(args.repeat, lambda: follow_files(facts, history))
    result.follow_files = len(written)

    say(
        f"[{n:,}] generate (pipeline.build with the history, pages in memory), best of {args.repeat}"
    )
    templates = ROOT / "templates"
    result.generate, built = best_of(
        args.repeat, lambda: pipeline.build(content, templates, history=history)
    )
    if not built.checked.ok or not built.pages:
        raise SystemExit("generate failed:\n" + "\n".join(map(str, built.problems[:10])))
    result.pages = len(built.pages)

    say(f"[{n:,}] data files for reuse (api, popolo, sqlite), best of {args.repeat}")
    for label, make in (
        ("api", pipeline.api_files),
        ("popolo", pipeline.popolo_files),
        ("sqlite", pipeline.sqlite_files),
    ):
        result.reuse[label], made = best_of(args.repeat, lambda m=make: m(built.checked.facts))
        result.reuse_bytes += sum(len(v) for v in made.values())
        del made

    if not args.skip_build:
        # the baseline: the same Markdown, pre-written, built by plain mkdocs-material
        built.write(base_dir / "docs")
        (base_dir / "mkdocs.yml").write_text(
            yaml.safe_dump(baseline_config(), sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        del built
        gc.collect()
        copy_project(ours_dir)
        say(f"[{n:,}] full mkdocs build (ours) in {ours_dir}")
        result.ours = run_build(ours_dir, as_make_site=True)
        say(f"[{n:,}]   {result.ours.wall:.1f} s, peak {result.ours.peak_mb:.0f} MB")
        if result.ours.ok and not args.skip_incremental:
            actor, meeting = edited_pair(content)
            runs = []
            # three edits, each built as `make site` builds: the median counts (the last name is
            # the one the serve step below waits for)
            for name in SECOND_BUILD_NAMES:
                rename(content / "actors" / f"{actor}.yml", name)
                say(f"[{n:,}] second mkdocs build after renaming {actor} (the cache in .cache/)")
                runs.append(run_build(ours_dir, as_make_site=True))
                say(f"[{n:,}]   {runs[-1].wall:.1f} s")
            result.second, result.second_runs = median_build(runs), runs
            say(f"[{n:,}] mkdocs serve: edit {actor} -> its page and {meeting} served")
            result.serve_start, result.previews = bench_serve(ours_dir, actor, meeting)
            say(f"[{n:,}]   " + ", ".join(f"{s:.2f} s" for s in result.previews))
        shutil.rmtree(ours_dir / "site", ignore_errors=True)
        # cold, but writing its cache as the full build did: only the data files differ
        shutil.rmtree(ours_dir / ".cache", ignore_errors=True)
        say(f"[{n:,}] full mkdocs build (ours, cold) without the data files for reuse")
        result.ours_without_reuse = run_build(
            ours_dir,
            {"BENCH_WITHOUT_REUSE": "1"},
            "build-without-reuse",
            strict=False,  # the home page's links to the data files would fail --strict
        )
        say(f"[{n:,}]   {result.ours_without_reuse.wall:.1f} s")
        if not args.skip_baseline:
            say(
                f"[{n:,}] full mkdocs build (baseline: {result.pages:,} Markdown pages) in {base_dir}"
            )
            result.baseline = run_build(base_dir)
            say(f"[{n:,}]   {result.baseline.wall:.1f} s, peak {result.baseline.peak_mb:.0f} MB")
        if args.profile:
            # imported here: profile_build imports this module (ENV, table)
            from bench import profile_build

            say(f"[{n:,}] cold mkdocs build under cProfile (FACTSHEETS_CACHE=off) in {ours_dir}")
            profiled = profile_build.profile(ours_dir)
            result.profile = profile_build.profile_table(profiled)
            say(f"[{n:,}]   {profiled.wall:.1f} s")
        if not args.keep:
            for folder in (ours_dir / "site", base_dir / "site"):
                shutil.rmtree(folder, ignore_errors=True)
    return result


def bench_large_meeting(root: Path, args: argparse.Namespace) -> list[large_meeting.LargeMeeting]:
    """The one-large-meeting case at each size; the largest also gets a real mkdocs build."""
    counts = sorted(int(s) for s in args.large_meeting.split(",") if s.strip() and int(s) > 0)
    results = []
    for n in counts:
        workdir = root / f"meeting-{n}"
        say(f"[meeting of {n:,}] validate and generate")
        result = large_meeting.measure(workdir / "content", n, ROOT / "templates")
        if n == counts[-1] and not args.skip_build:
            copy_project(workdir)
            say(f"[meeting of {n:,}] full mkdocs build in {workdir}")
            built = run_build(workdir)
            result.build = (built.wall, built.cpu, built.peak_mb) if built.ok else None
        say(f"[meeting of {n:,}]   generate {result.generate[0]:.1f} s")
        results.append(result)
    return results


# ---------------------------------------------------------------------------------------------
# Report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in pairs)

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def report(results: list[SizeResult], args: argparse.Namespace, elapsed: float, load: tuple) -> str:
    by = args.by
    other = "wall" if by == "cpu" else "cpu"
    out = [
        "",
        f"factsheets benchmark: synthetic content (bench/synth.py, seed {args.seed})",
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} before / {os.getloadavg()[0]:.2f} after; "
        f"in-process steps best of {args.repeat}, each build once in a fresh process",
        "",
    ]
    pair = lambda x: f"{fmt_s(x.wall)} / {fmt_s(x.cpu)}"  # noqa: E731
    ratios = lambda a, b: f"{a.wall / b.wall:.2f}x / {a.cpu / b.cpu:.2f}x"  # noqa: E731
    order = ("actors", "meetings", "positions", "topics", "places", "sources")
    rows = [
        [
            "records: files / MB of YAML",
            *[f"{sum(r.counts.values()):,} / {r.content_mb:.1f}" for r in results],
        ],
        [
            "  actors/meetings/positions/topics/places/sources",
            *["/".join(str(r.counts[t]) for t in order) for r in results],
        ],
        ["bare CSafeLoader load (wall / cpu)", *[pair(r.bare) for r in results]],
        ["validate: pipeline.check (wall / cpu)", *[pair(r.validate) for r in results]],
        ["  validate / bare load (wall / cpu)", *[ratios(r.validate, r.bare) for r in results]],
        ["generate: pipeline.build (wall / cpu)", *[pair(r.generate) for r in results]],
        ["  pages generated", *[f"{r.pages:,}" for r in results]],
        *[
            [f"  data for reuse: {label} (wall / cpu)", *[pair(r.reuse[label]) for r in results]]
            for label in ("api", "popolo", "sqlite")
        ],
        ["  data for reuse: MB written", *[f"{r.reuse_bytes / 1e6:.1f}" for r in results]],
        [
            "git history: commits / events / blobs read",
            *[f"{r.commits} / {r.events:,} / {r.blobs:,}" for r in results],
        ],
        ["  making the repository (not timed below)", *[fmt_s(r.commit_seconds) for r in results]],
        ["history: read_history (wall / cpu)", *[pair(r.history) for r in results]],
        [
            "feeds + calendars: follow_files (wall / cpu)",
            *[f"{pair(r.follow)} ({r.follow_files:,} files)" for r in results],
        ],
    ]
    built = [r for r in results if r.ours and r.baseline and r.ours.ok and r.baseline.ok]
    if any(r.ours for r in results):

        def cell(r: SizeResult, text) -> str:
            if not (r.ours and r.baseline):
                return "skipped"
            if not (r.ours.ok and r.baseline.ok):
                return "FAILED: " + ("ours" if not r.ours.ok else "baseline")
            return text(r)

        rows += [
            [
                "full mkdocs build, ours (wall / cpu)",
                *[pair(r.ours) if r.ours and r.ours.ok else "skipped" for r in results],
            ],
            [
                "full mkdocs build, ours without data for reuse",
                *[
                    cell(r, lambda r: pair(r.ours_without_reuse) if r.ours_without_reuse else "—")
                    for r in results
                ],
            ],
            [
                "full mkdocs build, baseline (wall / cpu)",
                *[cell(r, lambda r: pair(r.baseline)) for r in results],
            ],
            [
                "  ours / baseline (wall / cpu)",
                *[cell(r, lambda r: ratios(r.ours, r.baseline)) for r in results],
            ],
            [
                "peak RSS: ours / baseline",
                *[
                    cell(r, lambda r: f"{r.ours.peak_mb:.0f} MB / {r.baseline.peak_mb:.0f} MB")
                    for r in results
                ],
            ],
        ]
    if any(r.second for r in results):
        rows += [
            [
                "second build after a one-record edit, median of 3 (wall / cpu)",
                *[pair(r.second) if r.second else "skipped" for r in results],
            ],
            [
                "  each of the 3 (cpu)",
                *[", ".join(f"{b.cpu:.1f}" for b in r.second_runs) or "skipped" for r in results],
            ],
            [
                "  second build / full build (wall / cpu)",
                *[ratios(r.second, r.ours) if r.second else "skipped" for r in results],
            ],
            [
                "mkdocs serve: first build, from the cache (wall)",
                *[fmt_s(r.serve_start) if r.previews else "skipped" for r in results],
            ],
            [
                "edit -> preview: median of 3 saves (wall)",
                *[
                    f"{statistics.median(r.previews):.2f} s ({', '.join(f'{p:.1f}' for p in r.previews)})"
                    if r.previews
                    else "skipped"
                    for r in results
                ],
            ],
            [
                "  before incremental builds (issue 10)",
                *[BEFORE.get(r.n, "—") for r in results],
            ],
        ]
    out.append(table(rows, ["", *[f"{r.n:,} records" for r in results]]))

    targets: list[list[str]] = []

    def target(name: str, a, b, limit: float) -> None:
        mine, theirs = getattr(a, by) / getattr(b, by), getattr(a, other) / getattr(b, other)
        targets.append([name, f"{mine:.2f}x", f"{theirs:.2f}x", verdict(mine <= limit)])

    for r in results:
        target(
            f"validate <= {TARGET_VALIDATE:g}x bare CSafeLoader load ({r.n:,})",
            r.validate,
            r.bare,
            TARGET_VALIDATE,
        )
    for r in built:
        target(
            f"full build <= {TARGET_BUILD:g}x pre-written baseline ({r.n:,})",
            r.ours,
            r.baseline,
            TARGET_BUILD,
        )
        target(
            f"cold full build <= {TARGET_COLD:g}x pre-written baseline ({r.n:,})",
            r.ours,
            r.baseline,
            TARGET_COLD,
        )
    for r in built:
        if r.ours_without_reuse and r.ours_without_reuse.ok:
            mine = getattr(r.ours, by) / getattr(r.ours_without_reuse, by) - 1
            theirs = getattr(r.ours, other) / getattr(r.ours_without_reuse, other) - 1
            targets.append(
                [
                    f"data for reuse add <= {TARGET_REUSE:.0%} to the full build ({r.n:,})",
                    f"{mine:+.1%}",
                    f"{theirs:+.1%}",
                    verdict(mine <= TARGET_REUSE),
                ]
            )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        k = large.n / small.n
        steps = [("validate", lambda r: r.validate), ("generate", lambda r: r.generate)]
        if small in built and large in built:
            steps.append(("full build", lambda r: r.ours))
        for name, get in steps:
            limit = TARGET_SCALING * k
            label = (
                f"{name}: {k:g}x the records <= {limit:g}x the time ({small.n:,} -> {large.n:,})"
            )
            target(label, get(large), get(small), TARGET_SCALING * k)
    for r in built:
        target(
            f"history read <= {TARGET_HISTORY:.0%} of the full build ({r.n:,}, {r.commits} commits)",
            r.history,
            r.ours,
            TARGET_HISTORY,
        )
    for r in built:
        mb = r.ours.peak_mb
        targets.append(
            [
                f"peak memory of the full build <= 1 GB ({r.n:,})",
                f"{mb:.0f} MB",
                "",
                verdict(mb <= TARGET_MEMORY_MB),
            ]
        )
    for r in results:
        if r.second and r.second.ok:
            seconds = getattr(r.second, by)
            targets.append(
                [
                    f"second build after a one-record edit <= {TARGET_SECOND_BUILD:g} s ({r.n:,})",
                    fmt_s(seconds),
                    fmt_s(getattr(r.second, other)),
                    verdict(seconds <= TARGET_SECOND_BUILD),
                ]
            )
        if r.previews:
            median = statistics.median(r.previews)
            targets.append(
                [
                    f"edit -> preview in mkdocs serve <= {TARGET_PREVIEW:g} s, wall ({r.n:,})",
                    fmt_s(median),
                    "",
                    verdict(median <= TARGET_PREVIEW),
                ]
            )
    out += ["", table(targets, ["target", by, other, f"(on {by})"])]
    if by == "cpu":
        out.append(
            "Verdicts on CPU time (--by cpu): on a shared machine wall time also counts the wait "
            "for a CPU; on a quiet one the two agree (every step is single-threaded)."
        )
    for r in results:
        if r.ours and r.baseline and not (r.ours.ok and r.baseline.ok):
            logs = ", ".join(str(b.log) for b in (r.ours, r.baseline) if not b.ok)
            where = f"see {logs}" if args.keep else "the tail of its log is printed above"
            out.append(f"\nBUILD FAILED ({r.n:,} records): {where}")
    out.append(f"\nwhole benchmark: {elapsed / 60:.1f} min")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time validate, generate and mkdocs build on synthetic content."
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated record counts, ascending (default 1000,10000)",
    )
    parser.add_argument(
        "--skip-build", action="store_true", help="skip the two mkdocs builds per size"
    )
    parser.add_argument(
        "--skip-baseline",
        action="store_true",
        help="skip the plain mkdocs-material build of the pre-written Markdown",
    )
    parser.add_argument(
        "--skip-incremental",
        action="store_true",
        help="skip the second build and the mkdocs serve edit -> preview timing",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="write everything under DIR and keep it (content, sites, logs)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per in-process step; the fastest counts (default 3)",
    )
    parser.add_argument(
        "--large-meeting",
        default=",".join(map(str, large_meeting.SIZES)),
        help="participant counts of the one-large-meeting case, ascending (default "
        + ",".join(map(str, large_meeting.SIZES))
        + "; 0 skips it)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile a cold build of each size under cProfile (not with --skip-build): "
        "where its time goes (bench/profile_build.py; about twice a cold build's time)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--commits", type=int, default=200, help="commits in the content's git history (200)"
    )
    parser.add_argument(
        "--by",
        choices=("cpu", "wall"),
        default="cpu",
        help="judge the targets on CPU time (default; robust on a shared machine) or wall time",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    load = os.getloadavg()
    start = time.perf_counter()
    root = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="factsheets-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        results = [bench_size(n, root, args) for n in sizes]
        crowds = bench_large_meeting(root, args)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(report(results, args, time.perf_counter() - start, load))
    for r in results:
        if r.profile:
            print(f"\nCold build profile (cProfile), {r.n:,} records\n{r.profile}")
    if crowds:
        print(large_meeting.report(crowds))
    if args.keep:
        print(f"kept: {root}/n<N>/ours/{{content,site}} and {root}/n<N>/baseline/{{docs,site}}")
    builds_ok = all(r.ours.ok and r.baseline.ok for r in results if r.ours and r.baseline)
    return 0 if builds_ok else 1


if __name__ == "__main__":
    sys.exit(main())
