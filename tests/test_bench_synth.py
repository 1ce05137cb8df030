"""The benchmark's synthetic content (bench/synth.py) is valid and cross-linked like real content.

Nothing is timed here: `make bench` does the timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.synth import write_content
from generator import pipeline
from generator.cli import main
from generator.model import MODELS, TYPES, reference_fields

N = 200


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "content"
    counts = write_content(folder, N, seed=0)
    assert sum(counts.values()) == N
    assert set(counts) == set(TYPES) and all(counts.values())
    return folder


@pytest.fixture(scope="module")
def checked(content: Path) -> pipeline.Checked:
    return pipeline.check(content)


def test_synthetic_content_validates_with_no_problem_at_all(checked: pipeline.Checked) -> None:
    assert checked.files == N
    assert [str(p) for p in checked.problems] == []
    assert len(checked.facts.records) == N


def test_the_validate_command_accepts_it(content: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(content)])
    assert result.exit_code == 0, result.output


def test_every_kind_of_reference_occurs(checked: pipeline.Checked) -> None:
    found: set[tuple[str, str]] = set()
    for backrefs in checked.facts.backrefs.values():
        for backref in backrefs:
            source = checked.facts.records[backref.source]
            found.add((source.type, ".".join(p for p in backref.path if isinstance(p, str))))
    shared = {"disagreements.cite"}  # every type may have disagreements; some type must
    wanted = {
        (t, path) for t in TYPES for path in reference_fields(MODELS[t]) if path not in shared
    }
    assert wanted - found == set()
    assert any(path in shared for _, path in found)


def test_inline_links_and_the_other_features_occur(checked: pipeline.Checked) -> None:
    facts = checked.facts
    linking_types = {facts.records[i].type for i in facts.inline_links}
    assert {"actors", "meetings", "positions", "topics", "places"} <= linking_types
    assert facts.renamed, "some record has former_ids"
    meetings = [r.data for r in facts.of_type("meetings")]
    assert all(2 <= len(m.participants) <= 6 for m in meetings)
    assert any(m.part_of for m in meetings) and any(m.end_date for m in meetings)
    assert any(len(m.date) == 7 for m in meetings), "some month-precision dates"
    topics = {r.id: r.data for r in facts.of_type("topics")}
    depth = lambda t: 0 if not topics[t].parent else 1 + depth(topics[t].parent)  # noqa: E731
    assert max(map(depth, topics)) >= 2, "topics form a tree"
    kinds = {r.data.kind for r in facts.of_type("actors")}
    assert kinds == {"person", "organisation", "state"}


def test_generation_is_deterministic(tmp_path: Path, content: Path) -> None:
    again = tmp_path / "again"
    write_content(again, N, seed=0)
    files = sorted(p.relative_to(content) for p in content.rglob("*.yml"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.yml"))
    assert all((content / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_bench_git_history_is_read_in_one_pass(tmp_path: Path):
    from bench.githistory import commit_history
    from generator.history import read_history

    write_content(tmp_path / "content", 60, seed=0)
    edited = commit_history(tmp_path, commits=12, per_commit=3)
    history = read_history(tmp_path, tmp_path / "content")
    assert history.available and history.commits == 12
    assert edited == 33
    changed = [e for e in history.events if e.kind == "changed"]
    assert len(changed) == edited  # each edit is one fact-level change, nothing else
    assert all(len(e.changes) == 1 and e.changes[0].path in ("status", "date") for e in changed)
    assert pipeline.check(tmp_path / "content").ok
