"""Every problem of a record in one run: [[id]] errors at the link's own line and column."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import check

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
