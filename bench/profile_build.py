"""Where a cold `mkdocs build` spends its time, by component (issue 10: profile at 10,000 records).

Runs `mkdocs build --strict` of a prepared project folder (mkdocs.yml, overrides, docs,
templates, content; see `bench.bench.bench_size`) under cProfile, in a fresh interpreter whose
working folder is the project, with the environment of `make bench` (`bench.bench.ENV`) and
FACTSHEETS_CACHE=off: the build is cold and writes no cache. It builds into `site-profile/`,
removed before and after, so the project's own `site/` and `.cache/` are left alone. Every file
of the content is read once first, as `make bench` does: the page cache is warm, so the profile
shows the build, not the disk (read cold, 10,000 records took 24 s more). The stats
are dumped to a file (`build.prof` in the project by default; `python -m pstats FILE` reads it)
and turned into a table: each component's share of the profiled time, and its seconds.

How time is attributed, without counting anything twice. cProfile records, for each function,
its own time (spent in its body, not in what it calls) and, per caller, the part of that own
time spent when called from that caller. Every second of own time goes to exactly one
component, so the components add up to the total (the sum of every function's own time, which
is the build's cumulative time). A function named by a rule (`RULES`: a file and function names,
or every function of a file) belongs to its component. Any other function belongs to the
components of its callers, its own time split between them as cProfile recorded it; a caller's
components are found the same way, and where it has several callers they are mixed in
proportion to the inclusive time each spent in it (recursion makes that a system of equations:
`shares` goes over the call graph until nothing moves). So a function's time goes to the
innermost named function above it: Python-Markdown under MkDocs' `Page.render` counts as
Markdown, under our safety check as the stage that ran it (validation, our pages); `write_file` under
`_build_page` counts as writing, not as the theme; a module imported halfway through a stage
counts as imports. A function with no caller (the first frame) is "other", and so is one whose
callers cProfile lost: it keeps one of two functions with the same file, line and name (two
lambdas on one line; generator/export.py:37 at the time of writing, 0.4% at 10,000 records).

cProfile knows a function's callers, not the whole stack: the split assumes that a shared
function's time in each of its callees comes from its own callers in the same proportions as the
rest of its time (as gprof does). Rules on the hubs keep that assumption away from the large
components: MkDocs' `Page.render` and `_build_page`, our `render_pages`, and the templates'
compiled code, named by its file (`*.html`, `*.xml`: the theme; `*.md.j2`: our pages), since
Jinja's runtime serves both; a call from Jinja into our code is always our templates' (`CALLS`).
Builtins are not profiled (`builtins=False`): their time is their caller's own, and a generator
resumed by `str.join` counts as called by the function that called `join`.

cProfile's clock is wall time (on a shared machine it also counts waiting for a CPU, spread over
whatever was running, and git's work in the history's subprocesses) and it makes a build 1.6 to
2.2 times slower here, the more so where the calls are many and small: read the shares, not the
seconds.

    .venv/bin/python bench/profile_build.py PROJECT_DIR [--top K] [--stats FILE]

`bench/bench.py --profile` runs it at each size it benchmarks; bench/profile.md has the tables.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As bench/bench.py: import the `bench` package (and `generator`) from the project root.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.bench import ENV, table  # noqa: E402

SITE_DIR = "site-profile"

# Runs `mkdocs <args>` under cProfile in this fresh interpreter; the stats go to argv[1].
CHILD = r"""
import cProfile, sys
from mkdocs.__main__ import cli
profiler = cProfile.Profile(builtins=False)
code = 0
profiler.enable()
try:
    cli.main(args=sys.argv[2:], prog_name="mkdocs")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
profiler.disable()
profiler.dump_stats(sys.argv[1])
sys.exit(code)
"""

MARKDOWN = "Markdown -> HTML: Python-Markdown (Page.render)"
THEME = "theme templates: Jinja (_build_page, sitemap, 404)"
CHECK = "pipeline: load, validate, link (check)"
PAGES = "pipeline: Markdown pages (render_pages)"
PIPELINE = "pipeline: the rest of pipeline.build"
HOOKS = "plugin: file list, other hooks (plugin.py, ...)"
IMPORTS = "Python imports (modules loaded where first used)"
OTHER = "other (start-up, shutdown, callers unknown)"

# (component, file, function names; empty: every function of the file). Files are matched by
# the end of their path, functions by name; the first rule that matches counts. The table lists
# the components in the order they first appear here.
RULES: list[tuple[str, str, tuple[str, ...]]] = [
    (MARKDOWN, "mkdocs/structure/pages.py", ("render",)),
    (
        THEME,
        "mkdocs/commands/build.py",
        ("_build_page", "_build_theme_template", "_build_extra_template"),
    ),
    (THEME, ".html", ()),  # the theme's templates (Material's and overrides/), compiled by Jinja
    (THEME, ".xml", ()),  # MkDocs' sitemap.xml
    (CHECK, "generator/pipeline.py", ("check",)),
    (PAGES, "generator/render.py", ("render_pages",)),
    (PAGES, "generator/incremental.py", ("render",)),
    (PAGES, ".md.j2", ()),  # our templates (templates/), compiled by Jinja
    ("pipeline: facts.json, CSV, schemas (data_files)", "generator/render.py", ("data_files",)),
    ("pipeline: api/ (api_files)", "generator/api.py", ("api_files",)),
    ("pipeline: popolo.json (popolo_files)", "generator/popolo.py", ("popolo_files",)),
    ("pipeline: facts.db (sqlite_files)", "generator/sqlite_export.py", ("sqlite_files",)),
    ("pipeline: search index (build_index)", "generator/search.py", ("build_index",)),
    ("pipeline: feeds + calendars (follow_files)", "generator/render.py", ("follow_files",)),
    (PIPELINE, "generator/pipeline.py", ("build",)),
    (
        "git history (read_history, last_updated, head)",
        "generator/history.py",
        ("read_history", "last_updated", "head"),
    ),
    ("nh3 sanitize (safety.sanitize)", "generator/safety.py", ("sanitize",)),
    ("plugin: page cache (pagecache: each page kept, zlib)", "generator/pagecache.py", ()),
    (HOOKS, "generator/plugin.py", ()),
    (HOOKS, "generator/render.py", ("redirect_map",)),
    (HOOKS, "generator/passthrough.py", ()),
    (HOOKS, "generator/sitedir.py", ()),
    (HOOKS, "generator/buildcache.py", ()),
    (
        "writing files, copying assets",
        "mkdocs/utils/__init__.py",
        ("write_file", "copy_file", "clean_directory"),
    ),
    ("writing files, copying assets", "mkdocs/structure/files.py", ("copy_static_files",)),
    ("redirects plugin (mkdocs_redirects)", "mkdocs_redirects/plugin.py", ()),
    ("MkDocs: files, nav, page setup, link checks", "mkdocs/commands/build.py", ("build",)),
    ("config and plugin loading (load_config)", "mkdocs/config/base.py", ("load_config",)),
    (IMPORTS, "importlib._bootstrap>", ("_find_and_load",)),
    (PAGES, "generator/render.py", ()),  # the helpers our templates call (`page.link`, ...)
]
# (component, caller's file, function's file): a call that belongs to a component whatever the
# caller's own callers. Jinja calling our code (a view's property, a `page.` helper) is always
# one of our templates rendering: the theme's templates call none of it, but Jinja's runtime
# (getattr, Context.call) serves both and would otherwise lend our code the theme's share.
CALLS: list[tuple[str, str, str]] = [(PAGES, "jinja2/", "generator/")]


def component_names(rules=RULES, calls=CALLS) -> list[str]:
    """The components in the table's order: as they first appear in the rules, then other."""
    return list(dict.fromkeys([name for name, _, _ in rules + calls] + [OTHER]))


COMPONENTS = component_names()

Func = tuple[str, int, str]  # pstats' key: (file, line, function name)
PASSES = 100  # times over the call graph at most (see shares) ...
TOLERANCE = 1e-6  # ... until no function's share of a component moves by more


@dataclass
class Profile:
    """A profiled build: seconds by component, the profiled total, the run's own figures."""

    seconds: dict[str, float]
    total: float  # the sum of every function's own time: the build's cumulative time
    wall: float  # the child process's wall time, start-up included
    cpu: float  # its CPU time (and that of the processes it waited for: git)
    ok: bool
    stats: Path
    log: Path

    def percent(self, component: str) -> float:
        return 100 * self.seconds[component] / self.total if self.total else 0.0


def warm(project: Path) -> None:
    """Read every content file once, so that the build finds them in the page cache."""
    for path in sorted((project / "content").rglob("*")):
        if path.is_file():
            path.read_bytes()


def run_profiled(project: Path, stats: Path) -> tuple[float, float, bool, Path]:
    """A cold `mkdocs build --strict` of `project` under cProfile, in a fresh process; return
    its wall time, CPU time, success and log."""
    log = project / "profile.log"
    shutil.rmtree(project / SITE_DIR, ignore_errors=True)
    env = {**os.environ, **ENV, "FACTSHEETS_CACHE": "off"}
    args = [sys.executable, "-c", CHILD, str(stats), "build", "--strict", "-d", SITE_DIR]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(
            args, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    shutil.rmtree(project / SITE_DIR, ignore_errors=True)
    return wall, cpu, proc.returncode == 0, log


def rule_of(func: Func, rules=RULES) -> str | None:
    """The component a function is named in, if any."""
    path = func[0].replace(os.sep, "/")
    for component, file, names in rules:
        if path.endswith(file) and (not names or func[2] in names):
            return component
    return None


def call_rule(caller: Func, func: Func, calls=CALLS) -> str | None:
    """The component a call belongs to whatever the caller's callers, if any."""
    for component, caller_file, file in calls:
        if caller_file in caller[0].replace(os.sep, "/") and file in func[0].replace(os.sep, "/"):
            return component
    return None


def caller_weights(raw: dict, func: Func) -> dict[Func, float]:
    """Each caller's part of `func`'s inclusive time (a recursive call to itself left out)."""
    callers = {g: edge for g, edge in raw[func][4].items() if g != func and g in raw}
    weights = {g: edge[3] for g, edge in callers.items()}  # inclusive time from each caller
    if not any(weights.values()):
        weights = {g: float(edge[0]) for g, edge in callers.items()}  # too quick to time: calls
    total = sum(weights.values())
    return {g: w / total for g, w in weights.items()} if total else {}


def shares(raw: dict, rules=RULES, calls=CALLS) -> dict[Func, dict[str, float]]:
    """The components each function's time belongs to, as fractions adding up to 1.

    A named function's is its rule's; any other's is its callers' (or the call's, see CALLS)
    mixed by `caller_weights`. Recursion makes that a system of equations, solved by going over
    every function again until nothing changes (in order of inclusive time callers mostly come
    first: a few passes do)."""
    found: dict[Func, dict[str, float]] = {}
    weights: dict[Func, dict[Func, float]] = {}
    for func in raw:
        named = rule_of(func, rules)
        if named is not None:
            found[func] = {named: 1.0}
        else:
            weights[func] = caller_weights(raw, func)
            found[func] = {} if weights[func] else {OTHER: 1.0}  # no caller: the first frame
    order = sorted((f for f in weights if weights[f]), key=lambda f: raw[f][3], reverse=True)
    for _ in range(PASSES):
        change = 0.0
        for func in order:
            mixed: dict[str, float] = {}
            for caller, weight in weights[func].items():
                for component, fraction in call_share(found, caller, func, calls).items():
                    mixed[component] = mixed.get(component, 0.0) + weight * fraction
            before = found[func]
            for component in {*mixed, *before}:
                change = max(change, abs(mixed.get(component, 0.0) - before.get(component, 0.0)))
            found[func] = mixed
        if change < TOLERANCE:
            break
    return found


def call_share(found: dict, caller: Func, func: Func, calls=CALLS) -> dict[str, float]:
    """The components a call from `caller` to `func` belongs to."""
    named = call_rule(caller, func, calls)
    return {named: 1.0} if named is not None else found[caller]


def attribute(raw: dict, rules=RULES, calls=CALLS) -> dict[str, float]:
    """Seconds by component: every function's own time, each second to one component."""
    found = shares(raw, rules, calls)
    seconds = dict.fromkeys(component_names(rules, calls), 0.0)
    for func, (_, _, own, _, callers) in raw.items():
        named = rule_of(func, rules)
        if named is not None:
            seconds[named] += own
            continue
        placed = 0.0
        for caller, edge in callers.items():
            if caller not in raw:
                continue
            share = call_share(found, caller, func, calls) or {OTHER: 1.0}
            total = sum(share.values())  # 1, unless a cycle had not settled
            placed += edge[2]  # own time of `func` while called from `caller`
            for component, fraction in share.items():
                seconds[component] += edge[2] * fraction / total
        seconds[OTHER] += max(0.0, own - placed)  # the first frame: no caller
    return seconds


def profile(project: Path, stats: Path | None = None) -> Profile:
    """Profile a cold build of `project`; the stats are kept in `stats` (project/build.prof)."""
    project = Path(project).resolve()
    stats = Path(stats or project / "build.prof").resolve()
    stats.unlink(missing_ok=True)
    warm(project)
    wall, cpu, ok, log = run_profiled(project, stats)
    if not stats.exists():
        return Profile(dict.fromkeys(COMPONENTS, 0.0), 0.0, wall, cpu, False, stats, log)
    loaded = pstats.Stats(str(stats))
    return Profile(attribute(loaded.stats), loaded.total_tt, wall, cpu, ok, stats, log)


def profile_table(result: Profile) -> str:
    """The components as a plain-text table, with the run's own figures under it."""
    if not result.ok:
        return f"the profiled build failed: see {result.log}"
    rows = [
        [name, f"{result.percent(name):.1f}%", f"{result.seconds[name]:.2f} s"]
        for name in result.seconds
    ]
    rows.append(["total (cProfile's clock: wall)", "100.0%", f"{result.total:.2f} s"])
    lines = [table(rows, ["component (inclusive time, counted once)", "share", "seconds"])]
    lines.append(
        f"profiled build: {result.wall:.1f} s wall, {result.cpu:.1f} s CPU in its own process, "
        f"cProfile's overhead included; stats: {result.stats}"
    )
    return "\n".join(lines)


def where(func: Func) -> str:
    """A function as `file:line(name)`, the file relative to site-packages or the project."""
    path = func[0].replace(os.sep, "/")
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif path.startswith(str(ROOT) + "/"):
        path = path[len(str(ROOT)) + 1 :]
    return f"{path}:{func[1]}({func[2]})" if path != "~" else func[2]


def top_table(result: Profile, k: int) -> str:
    """The `k` functions with the most inclusive time."""
    raw = pstats.Stats(str(result.stats)).stats
    ranked = sorted(raw.items(), key=lambda item: item[1][3], reverse=True)[:k]
    rows = [
        [
            where(func),
            f"{calls:,}",
            f"{own:.2f} s",
            f"{inclusive:.2f} s",
            f"{100 * inclusive / result.total:.1f}%",
        ]
        for func, (_, calls, own, inclusive, _) in ranked
    ]
    return table(rows, [f"top {k} functions by inclusive time", "calls", "own", "inclusive", "%"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Profile a cold mkdocs build of a project folder; print where the time goes."
    )
    parser.add_argument("project", type=Path, help="the folder with mkdocs.yml and content/")
    parser.add_argument("--top", type=int, default=0, metavar="K", help="also list K functions")
    parser.add_argument("--stats", type=Path, help="where to keep the stats (PROJECT/build.prof)")
    args = parser.parse_args(argv)
    result = profile(args.project, args.stats)
    print(profile_table(result))
    if result.ok and args.top > 0:
        print()
        print(top_table(result, args.top))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
