"""The cold build's profile (bench/profile_build.py): a real table from a real profiled build.

One cProfile'd `mkdocs build` of the shipped content, then the attribution on small programs
whose times are known by construction."""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import re
from pathlib import Path

import pytest

from bench import profile_build
from tests.sitebuild import ROOT, prepare

ROW = re.compile(r"^(?P<name>.+?)\s+(?P<share>\d+\.\d)%\s+(?P<seconds>\d+\.\d+) s$")


@pytest.fixture(scope="module")
def profiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The shipped content's project, profiled through the command line (`--top 5`)."""
    workdir = prepare(tmp_path_factory.mktemp("profile") / "project", ROOT / "content")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = profile_build.main([str(workdir), "--top", "5"])
    return workdir, code, out.getvalue()


def components(printed: str) -> dict[str, tuple[float, float]]:
    """The component rows of the printed table: name -> (share in %, seconds)."""
    rows = {}
    for line in printed.splitlines():
        match = ROW.match(line)
        if match and not line.startswith(("total", "top ")):
            rows[match["name"]] = (float(match["share"]), float(match["seconds"]))
    return rows


def test_the_profiled_build_succeeds_cold_and_leaves_the_project_as_it_was(profiled) -> None:
    workdir, code, printed = profiled
    assert code == 0, printed + (workdir / "profile.log").read_text()
    assert (workdir / "build.prof").is_file()
    assert not (workdir / profile_build.SITE_DIR).exists()
    assert not (workdir / ".cache").exists()  # FACTSHEETS_CACHE=off: no cache read or written
    assert not (workdir / "site").exists()


def test_the_table_has_every_component_and_the_shares_add_up(profiled) -> None:
    _, _, printed = profiled
    rows = components(printed)
    assert list(rows) == profile_build.COMPONENTS
    assert sum(share for share, _ in rows.values()) == pytest.approx(100, abs=1.0)
    total = re.search(r"^total .*100\.0%\s+(\d+\.\d+) s$", printed, re.M)
    assert total is not None and float(total[1]) > 0
    assert sum(seconds for _, seconds in rows.values()) == pytest.approx(float(total[1]), abs=0.2)


def test_markdown_and_our_pipeline_take_time(profiled) -> None:
    rows = components(profiled[2])
    for name in (profile_build.MARKDOWN, profile_build.CHECK, profile_build.PAGES):
        assert rows[name][1] > 0, name
    assert rows[profile_build.THEME][1] > 0


def test_the_components_count_each_second_once(profiled) -> None:
    workdir, _, _ = profiled
    stats = pstats.Stats(str(workdir / "build.prof"))
    seconds = profile_build.attribute(stats.stats)
    assert sum(seconds.values()) == pytest.approx(stats.total_tt, rel=1e-6)
    # Markdown is what MkDocs' Page.render spends, all of it and nothing else
    page_render = next(
        v[3]
        for f, v in stats.stats.items()
        if f[0].endswith("mkdocs/structure/pages.py") and f[2] == "render"
    )
    assert seconds[profile_build.MARKDOWN] == pytest.approx(page_render, rel=0.05)


def test_the_top_functions_are_listed(profiled) -> None:
    printed = profiled[2]
    listed = printed.split("top 5 functions by inclusive time", 1)[1].splitlines()[2:]
    assert len(listed) == 5
    assert all(line.endswith("%") for line in listed)


# --- the attribution, on programs whose split is known ------------------------------------------


def unit() -> int:
    return sum(range(2_000))


def shared(k: int) -> int:
    """A function every named one calls: its callee's time is split between them."""
    total = 0
    for _ in range(k):
        total += unit()
    return total


def small() -> int:
    return shared(1_000)


def large() -> int:
    return shared(3_000)


def outer() -> int:
    return shared(1_000) + inner()


def inner() -> int:
    return shared(2_000)


def program() -> None:
    small()
    large()
    outer()


HERE = "tests/test_bench_profile.py"
RULES = [
    ("small", HERE, ("small",)),
    ("large", HERE, ("large",)),
    ("outer", HERE, ("outer",)),
    ("inner", HERE, ("inner",)),
]


def profile_of(run) -> dict:
    profiler = cProfile.Profile(builtins=False)
    profiler.runcall(run)
    return pstats.Stats(profiler).stats


def inclusive(raw: dict, name: str) -> float:
    return next(v[3] for f, v in raw.items() if f[0].endswith(HERE) and f[2] == name)


def test_a_shared_function_is_split_between_its_callers_and_nested_time_counted_once() -> None:
    raw = profile_of(program)
    seconds = profile_build.attribute(raw, RULES, calls=[])
    assert sum(seconds.values()) == pytest.approx(sum(v[2] for v in raw.values()), rel=1e-9)
    # unit() has one caller, shared(): its time is split as shared()'s (gprof's assumption,
    # true here up to the timer's noise)
    assert seconds["small"] == pytest.approx(inclusive(raw, "small"), rel=0.1)
    assert seconds["large"] == pytest.approx(inclusive(raw, "large"), rel=0.1)
    assert seconds["inner"] == pytest.approx(inclusive(raw, "inner"), rel=0.1)
    # the innermost named function counts: outer's time without inner's
    outer_own = inclusive(raw, "outer") - inclusive(raw, "inner")
    assert seconds["outer"] == pytest.approx(outer_own, rel=0.1)
    assert seconds["large"] > 2 * seconds["small"]
    assert seconds[profile_build.OTHER] < 0.05 * sum(seconds.values())  # program() itself


def test_a_call_rule_overrides_the_callers_share() -> None:
    raw = profile_of(program)
    calls = [("all of shared", HERE, HERE)]  # every call from this file into it
    seconds = profile_build.attribute(raw, [("large", HERE, ("large",))], calls=calls)
    # shared() and unit() are called from this file only: none of their time is left to `large`
    assert seconds["all of shared"] > 0.9 * sum(seconds.values())
    assert seconds["large"] < 0.01 * sum(seconds.values())
