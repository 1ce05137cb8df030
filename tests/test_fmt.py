"""`factsheet fmt`: canonical key order and quoting, comments and values kept, idempotent."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.fmt import check_text, format_text
from generator.load import parse_text

MESSY = """\
# An editor's comment at the top.
status: confirmed  # why: two official statements
cite: [seed-article]
date: 2025-06-26
kind: bilateral
title: Rajnath Singh meets Andrey Belousov
participants:
  - role: principal  # the order inside an entry follows the model too
    actor: rajnath-singh
  - actor: andrey-belousov
summary: >-
  A folded summary that is kept exactly
  as it was written, line breaks and all.
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_format_orders_keys_quotes_dates_and_keeps_comments_and_values():
    out = format_text(MESSY, "meetings")
    data, _ = parse_text(out)
    assert list(data) == ["title", "kind", "date", "participants", "summary", "cite", "status"]
    assert list(data["participants"][0]) == ["actor", "role"]
    assert data == parse_text(MESSY)[0]  # every value as it was
    assert out.startswith("# An editor's comment at the top.\n")
    assert "status: confirmed  # why: two official statements\n" in out
    assert "# the order inside an entry follows the model too" in out
    assert 'date: "2025-06-26"\n' in out
    assert "  A folded summary that is kept exactly\n  as it was written" in out
    assert check_text(out, "meetings") == []
    assert format_text(out, "meetings") == out  # idempotent


def test_check_names_what_is_off():
    reasons = check_text(MESSY, "meetings")
    assert "line 6: 'title' belongs before 'status'" in reasons[0]
    assert any("line 9: 'actor' belongs before 'role'" in r for r in reasons)
    assert any("'2025-06-26' reads as a timestamp" in r for r in reasons)


def test_cli_check_then_fix(tmp_path: Path):
    folder = tmp_path / "content" / "meetings"
    folder.mkdir(parents=True)
    messy = folder / "messy.yml"
    messy.write_text(MESSY, encoding="utf-8")
    tidy = folder / "tidy.yml"
    tidy.write_text(format_text(MESSY, "meetings"), encoding="utf-8")
    content = str(tmp_path / "content")
    result = run("fmt", "--check", content)
    assert result.exit_code == 1
    assert "would reformat" in result.stdout and "messy.yml" in result.stdout
    assert "tidy.yml" not in result.stdout
    assert messy.read_text(encoding="utf-8") == MESSY
    result = run("fmt", content)
    assert result.exit_code == 0 and "reformatted" in result.stdout
    assert messy.read_text(encoding="utf-8") == tidy.read_text(encoding="utf-8")
    assert run("fmt", "--check", content).exit_code == 0
    assert run("fmt", str(tmp_path)).exit_code == 2  # not a content folder nor a record
