"""Output paths of `export`, `generate` and `schema`: checked first (exit 2, one line), written
whole or not at all, and `generate` replaces its tree so no page of a deleted record lingers."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import TYPES
from generator.output import MARKER

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def commands(content: Path, out: Path) -> dict[str, list[str]]:
    return {
        "export-csv": ["export", str(content), "--format", "csv", "--out", str(out)],
        "export-json": ["export", str(content), "--out", str(out)],
        "generate": ["generate", str(content), "--templates", str(TEMPLATES), "--out", str(out)],
        "schema": ["schema", "--out", str(out)],
    }


def bad_out(kind: str, tmp_path: Path) -> Path:
    if kind == "a-file":
        target = tmp_path / "taken.txt"
        target.write_text("mine\n", encoding="utf-8")
        return target
    if kind == "under-a-file":
        (tmp_path / "taken.txt").write_text("mine\n", encoding="utf-8")
        return tmp_path / "taken.txt" / "deeper" / "out"
    if kind == "dangling-symlink":
        (tmp_path / "link").symlink_to(tmp_path / "nowhere")
        return tmp_path / "link"
    assert kind == "not-writable"
    return Path("/sys/factsheets-out")  # refused even to root


@pytest.mark.parametrize("kind", ["a-file", "under-a-file", "dangling-symlink", "not-writable"])
@pytest.mark.parametrize("command", ["export-csv", "export-json", "generate", "schema"])
def test_a_bad_out_is_one_line_and_exit_2(
    command: str, kind: str, valid_content: Path, tmp_path: Path
) -> None:
    out = bad_out(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = run(*commands(valid_content, out)[command])
    assert code == 2, stderr
    assert stdout == ""
    lines = stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert str(out) in lines[0] or str(out.parent) in lines[0] or "/sys" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside it
    if kind == "a-file":
        assert out.read_text(encoding="utf-8") == "mine\n"


def _fail_on_third_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after two files."""
    calls = {"n": 0}
    original = Path.write_text

    def write_text(self: Path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)


def test_export_that_fails_half_way_changes_no_file(
    valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "csv"
    out.mkdir()
    (out / "actors.csv").write_text("old\n", encoding="utf-8")
    (out / "readme.txt").write_text("not ours\n", encoding="utf-8")
    _fail_on_third_write(monkeypatch)
    code, _, stderr = run(*commands(valid_content, out)["export-csv"])
    assert (
        code == 2 and "No space left on device" in stderr and len(stderr.strip().split("\n")) == 1
    )
    assert sorted(p.name for p in out.iterdir()) == ["actors.csv", "readme.txt"]
    assert (out / "actors.csv").read_text(encoding="utf-8") == "old\n"


def test_export_into_a_folder_keeps_other_files(valid_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    out.mkdir()
    (out / "readme.txt").write_text("not ours\n", encoding="utf-8")
    code, _, _ = run(*commands(valid_content, out)["export-csv"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(f"{t}.csv" for t in TYPES), "readme.txt"])  # no temporary left


def test_generate_replaces_its_tree_so_deleted_records_leave_no_page(
    valid_content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "docs"
    assert run(*commands(valid_content, out)["generate"])[0] == 0
    page = out / "topics" / "counter-terrorism.md"
    assert page.is_file() and (out / MARKER).is_file()
    # delete the record (and what cites it) and generate again
    (valid_content / "topics" / "counter-terrorism.yml").unlink()
    for path in valid_content.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        if "counter-terrorism" in text:
            lines = [line for line in text.split("\n") if "counter-terrorism" not in line]
            path.write_text("\n".join(lines), encoding="utf-8")
    code, _, stderr = run(*commands(valid_content, out)["generate"])
    assert code == 0, stderr
    assert not page.exists()
    assert (out / "index.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "docs"]  # no temporaries


def test_generate_that_fails_half_way_leaves_the_old_tree(
    valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "docs"
    assert run(*commands(valid_content, out)["generate"])[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _fail_on_third_write(monkeypatch)
    code, _, stderr = run(*commands(valid_content, out)["generate"])
    assert code == 2 and "No space left on device" in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "docs"]


@pytest.mark.parametrize("where", ["cwd", "content", "inside-content", "foreign"])
def test_generate_never_replaces_a_folder_it_did_not_write(
    where: str, valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = {
        "cwd": Path("."),
        "content": valid_content,
        "inside-content": valid_content / "actors" / "pages",
        "foreign": tmp_path / "notes",
    }[where]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.md").write_text("keep me\n", encoding="utf-8")
    code, _, stderr = run(*commands(valid_content, out)["generate"])
    assert code == 2 and len(stderr.strip().split("\n")) == 1, stderr
    assert (tmp_path / "notes" / "mine.md").read_text(encoding="utf-8") == "keep me\n"
    assert (valid_content / "actors" / "india.yml").is_file()
    assert not (valid_content / "actors" / "pages").exists()


def test_schema_writes_every_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    code, _, _ = run("schema", "--out", str(out))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.schema.json" for t in TYPES)
    for path in out.iterdir():
        assert json.loads(path.read_text(encoding="utf-8"))["$schema"]
    assert run("schema", "--out", str(out), "--check")[0] == 0
