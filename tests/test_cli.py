"""`factsheet validate` and `factsheet export`, through click's CliRunner and as real processes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.cli import main
from generator.model import MODELS, TYPES

from .conftest import INVALID, VALID, copy_content

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
LINE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
    r"(?P<message>.+) \[(?P<code>[a-z0-9.-]+)\]$"
)
SUMMARY = re.compile(r"^(valid|invalid): \d+ errors?, \d+ warnings? in \d+ files?$")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    stdout, stderr = result.stdout, result.stderr
    assert "Traceback" not in stdout + stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, stdout, stderr


@pytest.fixture
def invalid_content(tmp_path: Path) -> Path:
    """Problems in three files: an unknown field, a dangling reference, a syntax error."""
    content = copy_content(VALID, tmp_path / "content")
    position = content / "positions" / "russia-defence-partnership.yml"
    text = position.read_text(encoding="utf-8").replace("statement:", "statment:")
    position.write_text(text, encoding="utf-8")
    place = content / "places" / "qingdao.yml"
    place.write_text(
        place.read_text(encoding="utf-8").replace("country: china", "country: chna"),
        encoding="utf-8",
    )
    (content / "topics" / "broken.yml").write_text("name: [unclosed\n", encoding="utf-8")
    return content


def problems_of(output: str) -> list[tuple[str, int, str]]:
    return [(p["path"], p["line"], p["code"]) for p in json.loads(output)["problems"]]


# ---------------------------------------------------------------------------------------------
# validate


def test_validate_valid_content(valid_content: Path) -> None:
    code, out, err = run("validate", str(valid_content))
    assert code == 0
    assert out.strip() == "valid: 0 errors, 0 warnings in 18 files"
    assert err == ""


def test_validate_defaults_to_content_in_the_working_directory(
    valid_content: Path, monkeypatch
) -> None:
    monkeypatch.chdir(valid_content.parent)
    code, out, _ = run("validate")
    assert code == 0 and out.startswith("valid:")


def test_validate_text_lines(invalid_content: Path, monkeypatch) -> None:
    monkeypatch.chdir(invalid_content.parent)
    code, out, _ = run("validate", "content")
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert SUMMARY.match(lines[-1]) and lines[-1].startswith("invalid: 4 errors, 0 warnings")
    parsed = [LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    found = [(m["file"], int(m["line"]), m["code"]) for m in parsed]
    assert found == [
        ("content/places/qingdao.yml", 5, "link.unresolved"),
        ("content/positions/russia-defence-partnership.yml", 1, "schema.missing-field"),
        ("content/positions/russia-defence-partnership.yml", 6, "schema.unknown-field"),
        ("content/topics/broken.yml", 2, "yaml.syntax"),
    ]
    by_code = {m["code"]: m["message"] for m in parsed}
    assert "did you mean 'statement'" in by_code["schema.unknown-field"]
    assert "did you mean 'china'" in by_code["link.unresolved"]


def test_validate_json(invalid_content: Path) -> None:
    code, out, _ = run("validate", str(invalid_content), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert (report["errors"], report["warnings"], report["files"]) == (4, 0, 19)
    assert set(report["problems"][0]) == {"path", "line", "column", "code", "message", "severity"}
    assert [(Path(p).name, line) for p, line, _ in problems_of(out)] == [
        ("qingdao.yml", 5),
        ("russia-defence-partnership.yml", 1),
        ("russia-defence-partnership.yml", 6),
        ("broken.yml", 2),
    ]


def test_validate_json_when_valid(valid_content: Path) -> None:
    code, out, _ = run("validate", str(valid_content), "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "valid": True,
        "files": 18,
        "errors": 0,
        "warnings": 0,
        "problems": [],
    }


def test_validate_github_annotations(invalid_content: Path, monkeypatch) -> None:
    monkeypatch.chdir(invalid_content.parent)
    code, out, _ = run("validate", "content", "--format", "github")
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert SUMMARY.match(lines[-1])
    assert lines[0].startswith(
        "::error file=content/places/qingdao.yml,line=5,col=1,title=link.unresolved::"
    )
    pattern = re.compile(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[a-z0-9.-]+::\S.*$")
    assert all(pattern.match(line) for line in lines[:-1]), lines
    assert "::error file=content/topics/broken.yml,line=2," in out


def test_uncited_source_is_a_warning_and_exit_0(valid_content: Path, monkeypatch) -> None:
    (valid_content / "sources" / "orphan.yml").write_text(
        "title: Nobody cites me\nkind: news\n", encoding="utf-8"
    )
    monkeypatch.chdir(valid_content)
    code, out, _ = run("validate", ".")
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    match = LINE.match(lines[0])
    assert match and (match["file"], match["line"], match["severity"], match["code"]) == (
        "sources/orphan.yml",
        "1",
        "warning",
        "source.uncited",
    )
    assert lines[1] == "valid: 0 errors, 1 warning in 19 files"
    code, out, _ = run("validate", ".", "--format", "github")
    assert code == 0 and out.startswith("::warning file=sources/orphan.yml,line=1,")


def test_a_multi_line_message_stays_on_one_line(valid_content: Path) -> None:
    position = valid_content / "positions" / "russia-defence-partnership.yml"
    text = position.read_text(encoding="utf-8") + "reason: |\n  FILL-ME\n  two lines\n"
    position.write_text(text, encoding="utf-8")
    code, out, _ = run("validate", str(valid_content))
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 2 and LINE.match(lines[0]) and lines[0].endswith("[placeholder.unfilled]")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "does/not/exist"],
        ["validate", "{valid}", "--format", "xml"],
        ["validate", "{file}"],
        ["validate", "{valid}", "--no-such-option"],
        ["export", "does/not/exist"],
        ["export", "{valid}", "--format", "yaml"],
        ["export", "{valid}", "--format", "csv"],  # csv needs --out
        ["frobnicate"],
    ],
    ids=[
        "missing-folder",
        "bad-format",
        "a-file",
        "bad-option",
        "export-missing",
        "export-bad-format",
        "csv-without-out",
        "unknown-command",
    ],
)
def test_usage_errors_exit_2(args: list[str], valid_content: Path) -> None:
    file = valid_content / "actors" / "india.yml"
    args = [a.format(valid=valid_content, file=file) for a in args]
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.strip()


def test_an_internal_failure_is_one_error_line_not_a_traceback(
    valid_content: Path, monkeypatch
) -> None:
    def broken(content: Path):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.pipeline, "check", broken)
    code, out, _ = run("validate", str(valid_content))
    assert code == 1
    lines = out.strip().split("\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"{valid_content}:1:1: error: ") and lines[0].endswith(
        "[internal.error]"
    )


def test_every_command_has_help() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("validate", "export"):
        assert command in out
        code, text, _ = run(command, "--help")
        assert code == 0 and "CONTENT" in text and "--format" in text


# ---------------------------------------------------------------------------------------------
# export


def test_export_json(valid_content: Path) -> None:
    code, out, _ = run("export", str(valid_content))
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"records"}
    records = document["records"]
    assert len(records) == 18
    keys = [(r["type"], r["id"]) for r in records]
    assert keys == sorted(keys)
    assert {t for t, _ in keys} == set(TYPES)
    for record in records:
        assert list(record)[:2] == ["type", "id"]
    by_id = {r["id"]: r for r in records}
    assert by_id["andrey-belousov"]["native_names"] == {"ru": "Андрей Белоусов"}
    assert "Андрей Белоусов" in out  # not \u-escaped
    assert by_id["singh-belousov-2025-06-26"]["date"] == "2025-06-26"
    assert by_id["russia-defence-partnership"]["date"] == "2025-06"
    assert by_id["india-refuses-qingdao-communique"]["disagreements"][0]["value"] == "2025-06-25"
    assert "summary" not in by_id["india"]  # absent fields stay absent, not null


def test_export_json_to_a_folder(valid_content: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run("export", str(valid_content), "--out", str(out_dir))
    assert code == 0 and out == ""
    assert len(json.loads((out_dir / "facts.json").read_text(encoding="utf-8"))["records"]) == 18


def test_export_csv(valid_content: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "csv"
    code, out, _ = run("export", str(valid_content), "--format", "csv", "--out", str(out_dir))
    assert code == 0 and out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{t}.csv" for t in TYPES)
    for type_ in TYPES:
        rows = list(
            csv.DictReader(io.StringIO((out_dir / f"{type_}.csv").read_text(encoding="utf-8")))
        )
        assert rows, type_
        assert list(rows[0]) == ["id", *MODELS[type_].model_fields]
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    actors = {r["id"]: r for r in csv.DictReader((out_dir / "actors.csv").open(encoding="utf-8"))}
    singh = actors["rajnath-singh"]
    assert json.loads(singh["native_names"]) == {"hi": "राजनाथ सिंह"}
    assert json.loads(singh["posts"])[0]["start"] == "2024-06"
    assert json.loads(singh["cite"]) == ["seed-article", "ani-singh-sobirzoda"]
    assert singh["summary"].startswith("India's Minister of Defence")
    assert actors["india"]["summary"] == ""


def test_export_refuses_invalid_content(invalid_content: Path) -> None:
    code, out, err = run("export", str(invalid_content))
    assert code == 1
    assert out == ""
    assert "[schema.unknown-field]" in err and "invalid" in err


# ---------------------------------------------------------------------------------------------
# real processes


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def test_factsheet_console_script(tmp_path: Path) -> None:
    script = VENV_BIN / "factsheet"
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    copy_content(VALID, tmp_path / "content")
    ok = subprocess.run(
        [str(script), "validate"], cwd=tmp_path, capture_output=True, text=True, env=_env()
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, "valid: 0 errors, 0 warnings in 18 files")
    exported = subprocess.run(
        [str(script), "export", "content"], cwd=tmp_path, capture_output=True, text=True, env=_env()
    )
    assert exported.returncode == 0
    assert "Андрей Белоусов" in exported.stdout


def test_python_dash_m_generator_on_an_invalid_case(tmp_path: Path) -> None:
    content = copy_content(INVALID / "link-unresolved" / "content", tmp_path / "content")
    run_ = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "content"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert run_.returncode == 1
    assert "Traceback" not in run_.stdout + run_.stderr
    lines = run_.stdout.rstrip("\n").split("\n")
    assert lines[0].startswith("content/actors/rajnath-singh.yml:3:1: error: ")
    assert lines[0].endswith("[link.unresolved]")
    assert lines[-1] == "invalid: 2 errors, 0 warnings in 3 files"
    assert content.is_dir()


def test_python_dash_m_generator_usage_error(tmp_path: Path) -> None:
    run_ = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "nowhere", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert run_.returncode == 2
    assert run_.stdout == "" and "Traceback" not in run_.stderr and "nowhere" in run_.stderr
