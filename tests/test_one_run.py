"""Every problem of a record in one run: [[id]] errors at the link's own line and column."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import check
from generator.validate import partial_record

from .conftest import INVALID
from .test_validate import raw

SOURCE = "title: A report\nkind: news\n"
TOPIC = """\
name: Defence
summary: A plain summary naming [[nobody]] mid-line.
cite: [src]
status: confirmed
"""
FOLDED = """\
name: Security
summary: >-
  A folded summary whose second line
  names the missing [[nowhere]] record, then [[defence]].
note: >-
  First line.
      A more-indented line with [[gone]] in it.
cite: [src]
status: confirmed
"""


def test_inline_link_errors_point_at_the_link(tmp_path: Path) -> None:
    for name, text in {
        "sources/src.yml": SOURCE,
        "topics/defence.yml": TOPIC,
        "topics/security.yml": FOLDED,
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems = {
        (Path(p.path).name, p.line, p.column) for p in check(tmp_path).problems if p.is_error
    }
    assert problems == {
        ("defence.yml", 2, TOPIC.splitlines()[1].index("[[nobody]]") + 1),
        ("security.yml", 4, FOLDED.splitlines()[3].index("[[nowhere]]") + 1),
        ("security.yml", 7, FOLDED.splitlines()[6].index("[[gone]]") + 1),
    }


def test_schema_reference_citation_and_date_problems_of_one_record_in_one_run() -> None:
    """fixtures/invalid/all-problems-at-once: one meeting with errors of every layer; each
    reference error at its id's own line and column, the unparsed `place` not resolved, and
    the records that refer to the broken meeting get no error of their own."""
    content = INVALID / "all-problems-at-once" / "content"
    lines = (content / "meetings" / "talks.yml").read_text(encoding="utf-8").splitlines()

    def at(snippet: str) -> tuple[int, int]:
        line = next(i for i, text in enumerate(lines, 1) if snippet in text)
        return line, lines[line - 1].index(snippet) + 1

    problems = check(content).problems
    assert {Path(p.path).name for p in problems} == {"talks.yml"}
    found = {(p.code, p.line, p.column) for p in problems}
    assert {
        ("link.unresolved", *at("actor: rajnath-sing")),
        ("link.unresolved", *at("counter-terorism")),
        ("link.unresolved", *at("[[dong-jnu]]")),
        ("link.unresolved", *at("scr")),
        ("schema.vocabulary", *at("role: speaker")),
        ("schema.unknown-field", *at("rol: guest")),
        ("schema.type", *at("place:")),
        ("date.order", *at("end_date:")),
        ("date.outside-parent", *at("end_date:")),
        ("disagreement.unknown-field", *at("field: plaec")),
    } <= found
    assert len([p for p in problems if p.code == "link.unresolved"]) == 4  # not 'moscow'


def test_a_partial_record_holds_only_what_parsed() -> None:
    record, problems = partial_record(
        raw(
            "meetings",
            {
                "title": "T",
                "kind": "nope",
                "date": "2025",
                "place": ["p"],
                "participants": [{"actor": "a", "role": "x"}, "b", {"actor": 3}],
                "topics": ["t", "Not An Id", None],
                "cite": ["s"],
                "status": "confirmed",
            },
        )
    )
    assert problems == [] and record is not None
    data = record.data
    assert (data.title, data.kind, data.place, data.cite) == ("T", None, None, ["s"])
    assert data.topics == ["t", None, None]
    assert data.participants[0].actor == "a" and data.participants[0].role is None
    assert data.participants[1] is None and data.participants[2].actor is None
