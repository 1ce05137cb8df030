"""`factsheet import`: real .csv and .xlsx sheets (tests/fixtures/import/) into real content."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import pipeline
from generator.cli import main
from generator.fmt import check_text
from generator.load import load_records, parse_text
from generator.model import TYPES

from .conftest import FIXTURES

SHEETS = FIXTURES / "import"
TEMPLATES = Path(__file__).parent.parent / "templates"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tree(content: Path) -> dict[str, str]:
    return {
        str(p.relative_to(content)): p.read_text(encoding="utf-8")
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def located(output: str) -> set[tuple[int, int, str]]:
    return {(p["line"], p["column"], p["code"]) for p in json.loads(output)["problems"]}


def test_clean_csv_import_writes_records_that_validate_and_build(valid_content):
    result = run(
        "import", "meetings", str(SHEETS / "meetings.csv"), "--content", str(valid_content)
    )
    assert result.exit_code == 0, result.output
    first = valid_content / "meetings/rajnath-singh-meets-dong-jun-2025-06-26.yml"
    second = valid_content / "meetings/rajnath-singh-meets-dong-jun-2025-07.yml"
    assert (
        "- `meetings/rajnath-singh-meets-dong-jun-2025-06-26` — Rajnath Singh meets Dong Jun"
        in (result.stdout)
    )
    data, _ = parse_text(first.read_text(encoding="utf-8"))
    assert data["participants"] == [
        {"actor": "rajnath-singh", "role": "principal", "post": "Minister of Defence"},
        {"actor": "china", "role": "host"},
    ]
    assert data["topics"] == ["defence-cooperation", "counter-terrorism"]
    assert parse_text(second.read_text(encoding="utf-8"))[0]["cite"] == [
        "seed-article",
        "ani-singh-sobirzoda",
    ]
    text = first.read_text(encoding="utf-8")
    # The layout of a hand-made record: model key order, dates quoted, long text folded.
    assert list(data) == [
        "title", "kind", "date", "place", "participants", "topics", "summary", "cite", "status"
    ]  # fmt: skip
    assert 'date: "2025-06-26"\n' in text and "summary: >-\n  On the sidelines" in text
    assert check_text(text, "meetings") == [] and check_text(second.read_text(), "meetings") == []
    built = pipeline.build(valid_content, TEMPLATES)
    assert built.checked.ok, built.problems
    assert "meetings/rajnath-singh-meets-dong-jun-2025-06-26.md" in built.pages


def test_xlsx_import(valid_content):
    result = run("import", "actors", str(SHEETS / "actors.xlsx"), "--content", str(valid_content))
    assert result.exit_code == 0, result.output
    dong = parse_text((valid_content / "actors/dong-jun.yml").read_text(encoding="utf-8"))[0]
    assert dong["native_names"] == {"zh": "董军"}
    assert dong["posts"] == [
        {"organisation": "china", "title": "Minister of National Defence", "start": "2023-12"}
    ]
    assert (valid_content / "actors/ministry-of-national-defence-china.yml").is_file()
    assert pipeline.check(valid_content).ok


@pytest.mark.parametrize("fmt", ["json", "text", "github"])
def test_errors_in_several_rows_and_columns_are_all_reported_and_nothing_written(
    valid_content, fmt
):
    before = tree(valid_content)
    sheet = SHEETS / "errors.csv"
    result = run("import", "meetings", str(sheet), "--content", str(valid_content), "--format", fmt)
    assert result.exit_code == 1
    assert tree(valid_content) == before
    expected = {
        (1, 10, "import.unknown-column"),  # summry
        (2, 2, "schema.vocabulary"),  # kind bilaterl
        (2, 3, "schema.date"),  # 2025-13-01
        (2, 6, "schema.vocabulary"),  # participants.1.role boss
        (3, 9, "schema.vocabulary"),  # status unsure
        (4, 4, "link.unresolved"),  # place qingdao-centre
        (4, 7, "link.unresolved"),  # topics defence-coop
        (5, 1, "schema.missing-field"),  # no title
        (5, 1, "import.no-id"),  # and so no id to derive
    }
    if fmt == "json":
        assert located(result.stdout) == expected
        paths = {p["path"] for p in json.loads(result.stdout)["problems"]}
        assert len(paths) == 1 and paths.pop().endswith("errors.csv")
    elif fmt == "text":
        assert "errors.csv:2:3: error: column 'date': date: " in result.stdout
        assert "errors.csv:4:7: error: column 'topics': " in result.stdout
    else:
        assert "::error file=" in result.stdout and ",line=4,col=7,title=link.unresolved::" in (
            result.stdout
        )


def test_refused_ids_are_reported_at_their_cell(valid_content):
    before = tree(valid_content)
    result = run(
        "import", "meetings", str(SHEETS / "collisions.csv"),
        "--content", str(valid_content), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert located(result.stdout) == {
        (2, 1, "import.exists"),
        (3, 1, "import.id-taken"),
        (5, 1, "import.duplicate-id"),
        (6, 1, "id.invalid"),
    }
    assert tree(valid_content) == before


def test_derived_ids_do_not_collide(valid_content):
    result = run(
        "import", "meetings", str(SHEETS / "derived-ids.csv"), "--content", str(valid_content)
    )
    assert result.exit_code == 0, result.output
    written = {p.stem for p in (valid_content / "meetings").iterdir()}
    assert (
        {
            "rajnath-singh-meets-andrey-belousov-2025-06-26",
            "rajnath-singh-meets-andrey-belousov-2025-06-26-2",
            "sco-defence-ministers-meeting-2025-2",  # the record sco-defence-ministers-meeting-2025 exists
            "reunion-a-qingdao-2025-06-27",  # ASCII
        }
        <= written
    )
    assert pipeline.check(valid_content).ok


def test_update_changes_only_the_sheets_fields_and_reports_them(valid_content):
    path = valid_content / "meetings/singh-belousov-2025-06-26.yml"
    original = "# Kept: an editor's comment.\n" + path.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    sheet = str(SHEETS / "update-meetings.csv")
    refused = run("import", "meetings", sheet, "--content", str(valid_content))
    assert refused.exit_code == 1 and "import.exists" in refused.stdout
    assert path.read_text(encoding="utf-8") == original
    result = run("import", "meetings", sheet, "--content", str(valid_content), "--update")
    assert result.exit_code == 0, result.output
    assert "- `meetings/singh-belousov-2025-06-26` — Rajnath Singh meets Andrey Belousov" in (
        result.stdout
    )
    assert "  - `status`: `confirmed` → `reported`" in result.stdout
    assert "  - `topics`: added `counter-terrorism`" in result.stdout
    assert "  - `end_date`: added `2025-06-27`" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Kept: an editor's comment.\n")
    before, _ = parse_text(original)
    after, _ = parse_text(text)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"status", "topics", "end_date"}
    assert list(after).index("end_date") == list(after).index("date") + 1  # the model's place
    again = run("import", "meetings", sheet, "--content", str(valid_content), "--update")
    assert "No fact changes." in again.stdout and path.read_text(encoding="utf-8") == text


def test_dry_run_prints_what_it_would_write_and_writes_nothing(valid_content):
    before = tree(valid_content)
    result = run(
        "import", "meetings", str(SHEETS / "meetings.csv"), "--content", str(valid_content),
        "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert tree(valid_content) == before
    assert "```yaml\ntitle: Rajnath Singh meets Dong Jun\nkind: bilateral\n" in result.stdout
    assert "dry run: nothing written (2 new, 0 updated, 0 unchanged)" in result.stderr


def test_export_imported_back_changes_nothing(valid_content, tmp_path):
    before = tree(valid_content)
    out = tmp_path / "csv"
    assert run("export", str(valid_content), "--format", "csv", "--out", str(out)).exit_code == 0
    for type_ in TYPES:
        sheet = out / f"{type_}.csv"
        result = run("import", type_, str(sheet), "--content", str(valid_content), "--update")
        assert result.exit_code == 0, result.output
        assert "No fact changes." in result.stdout
        rows = len(load_records(valid_content).records)
        assert rows
    assert tree(valid_content) == before


def test_usage_errors(valid_content, tmp_path):
    wrong = tmp_path / "facts.txt"
    wrong.write_text("id\n", encoding="utf-8")
    result = run("import", "meetings", str(wrong), "--content", str(valid_content))
    assert result.exit_code == 2 and "not a .csv or .xlsx" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    result = run("import", "meetings", str(broken), "--content", str(valid_content))
    assert result.exit_code == 2 and "cannot read" in result.stderr
    result = run(
        "import", "meeting-notes", str(SHEETS / "meetings.csv"), "--content", str(valid_content)
    )
    assert result.exit_code == 2 and "unknown record type" in result.stderr


def test_written_files_have_the_umask_permissions_and_nothing_is_left_aside(valid_content):
    before = set(valid_content.rglob("*"))
    mask = os.umask(0o027)
    try:
        result = run(
            "import", "meetings", str(SHEETS / "derived-ids.csv"), "--content", str(valid_content)
        )
    finally:
        os.umask(mask)
    assert result.exit_code == 0, result.output
    new = set(valid_content.rglob("*")) - before
    assert new and all(not p.name.startswith(".") for p in new)  # no file written aside stays
    assert {stat.S_IMODE(p.stat().st_mode) for p in new} == {0o640}
