"""The reference check remembered across incremental builds (link.py's memo of clean records):
after each edit, what an incremental check reports and registers equals a clean check's, also
for the records whose files did not change but whose references now fail or resolve again."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.filecache import FileCache
from generator.pipeline import check

ROOT = Path(__file__).resolve().parent.parent


def _same_as_clean(content: Path, files: FileCache):
    kept = check(content, files)
    clean = check(content)
    assert [str(p) for p in kept.problems] == [str(p) for p in clean.problems]
    assert set(kept.facts.records) == set(clean.facts.records)
    assert dict(kept.facts.backrefs) == dict(clean.facts.backrefs)
    assert dict(kept.facts.inline_links) == dict(clean.facts.inline_links)
    assert kept.facts.renamed == clean.facts.renamed
    return kept


def _name(path: str) -> str:
    return "/".join(Path(path).parts[-2:])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unchanged_records_are_replayed_not_walked(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    files = FileCache()
    first = _same_as_clean(content, files)
    assert not [p for p in first.problems if p.is_error]
    remembered = dict(files.clean)
    assert set(remembered) == set(first.facts.records)  # the shipped content checks clean
    _edit(content / "actors" / "rajnath-singh.yml", "name: Rajnath Singh", "name: R. Singh")
    _same_as_clean(content, files)
    # the edited record was checked anew; every other one replayed from the memo
    assert files.clean["rajnath-singh"] is not remembered["rajnath-singh"]
    others = set(remembered) - {"rajnath-singh"}
    assert all(files.clean[i] is remembered[i] for i in others)


def test_unchanged_referrers_see_what_their_targets_became(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    files = FileCache()
    _same_as_clean(content, files)

    # india is no longer a state: the people whose (unchanged) files say `country: india` fail
    india = content / "actors" / "india.yml"
    _edit(india, "kind: state", "kind: organisation")
    changed = _same_as_clean(content, files)
    failing = {_name(p.path) for p in changed.problems if p.is_error}
    assert "actors/rajnath-singh.yml" in failing, failing
    _edit(india, "kind: organisation", "kind: state")
    back = _same_as_clean(content, files)
    assert not [p for p in back.problems if p.is_error]

    # a record referred to by unchanged meetings is deleted, then restored
    text = india.read_text(encoding="utf-8")
    india.unlink()
    gone = _same_as_clean(content, files)
    failing = {_name(p.path) for p in gone.problems if p.is_error}
    assert "meetings/sco-defence-ministers-meeting-2025.yml" in failing, failing
    india.write_text(text, encoding="utf-8")
    assert not [p for p in _same_as_clean(content, files).problems if p.is_error]

    # a record turns invalid (a schema error): its referrers are not blamed, as in a clean check
    _edit(india, "kind: state", "kind: planet")
    broken = _same_as_clean(content, files)
    failing = {_name(p.path) for p in broken.problems if p.is_error}
    assert failing == {"actors/india.yml"}, failing
    _edit(india, "kind: planet", "kind: state")
    assert not [p for p in _same_as_clean(content, files).problems if p.is_error]
