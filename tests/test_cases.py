"""Every folder under fixtures/invalid/ is one case: run `factsheet validate` on its content.

Add a failing input by adding a folder (see fixtures/invalid/README.md), not a function.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import check

from .conftest import INVALID, copy_content

CASES = sorted(p for p in INVALID.iterdir() if (p / "expected.json").is_file())


def _expected(case: Path) -> tuple[int, list[list]]:
    spec = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    if isinstance(spec, dict):
        return spec["exit"], spec["problems"]
    return 1, spec


def test_every_case_folder_has_content_and_expectations() -> None:
    folders = [p for p in INVALID.iterdir() if p.is_dir()]
    assert folders, "no cases found"
    for folder in folders:
        assert (folder / "content").is_dir(), folder
        assert (folder / "expected.json").is_file(), folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exit_code, expected = _expected(case)
    content = copy_content(case / "content", tmp_path / "content")
    monkeypatch.chdir(content)  # problems then name files as `actors/x.yml`

    result = CliRunner().invoke(main, ["validate", ".", "--format", "json"])

    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    report = json.loads(result.output)
    found = sorted((p["path"], p["line"], p["code"]) for p in report["problems"])
    assert found == sorted((e[0], e[1], e[2]) for e in expected)
    assert result.exit_code == exit_code
    assert report["valid"] is (exit_code == 0)
    for entry in expected:
        if len(entry) > 3:
            messages = [
                p["message"]
                for p in report["problems"]
                if (p["path"], p["line"], p["code"]) == tuple(entry[:3])
            ]
            assert any(entry[3] in m for m in messages), (entry, messages)
    for problem in report["problems"]:
        assert problem["column"] >= 1 and problem["message"].strip()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_through_the_pipeline(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check() itself (what the MkDocs plugin calls) reports the same problems as the CLI."""
    _, expected = _expected(case)
    content = copy_content(case / "content", tmp_path / "content")
    monkeypatch.chdir(content)
    checked = check(Path("."))
    assert sorted((p.path, p.line, p.code) for p in checked.problems) == sorted(
        (e[0], e[1], e[2]) for e in expected
    )
