"""The build cache on disk (generator/buildcache.py), on a real build's state of the shipped
content: what is loaded is what was saved, with what the build compares by identity still the
same object; a save rewrites only the buckets that changed; two builds at once, a torn or foreign
file, another key: a cold build, never a wrong state."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from generator import buildcache
from generator.incremental import Incremental, encode_pages
from generator.pagecache import PageCache
from generator.pipeline import build
from generator.sitedir import Written

ROOT = Path(__file__).resolve().parent.parent
KEY = "a key"


def _build(content: Path, state: Incremental):
    built = build(content, ROOT / "templates", state=state)
    assert built.checked.ok, built.problems[:3]
    encode_pages(built.pages)
    state.renderer = None  # as the plugin saves it: not the compiled templates
    return built


def _state(content: Path, incremental: Incremental | None = None):
    incremental = incremental or Incremental()
    _build(content, incremental)
    made = PageCache()
    for path, markdown in incremental.last.pages.items():
        made.digest(path, markdown)
    return incremental, made, Written()


def _rows(root: Path) -> dict[tuple[str, int], bytes]:
    with sqlite3.connect(root / buildcache.DATABASE) as db:
        return {(t, b): d for t, b, d in db.execute("SELECT tbl, bucket, data FROM buckets")}


def _rename(content: Path) -> None:
    path = content / "actors/rajnath-singh.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Rajnath Singh", "R. Singh"), "utf-8")


def test_a_loaded_state_is_the_saved_one_with_its_shared_objects_shared(tmp_path: Path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    state = _state(content)
    buildcache.Store(tmp_path, KEY).save(state)
    loaded = buildcache.Store(tmp_path, KEY).load()
    assert loaded is not None
    incremental, made, _ = loaded
    assert incremental.last.pages == state[0].last.pages
    assert incremental.last.depends == state[0].last.depends
    assert incremental.near.now == state[0].near.now
    records = incremental.last.facts.records
    assert records.keys() == state[0].last.facts.records.keys()
    for id_, record in records.items():  # one object, as in the build that saved it
        assert incremental.files.entries[(record.type, record.path)].typed is record
        if id_ in incremental.files.clean:
            assert incremental.files.clean[id_].record is record
    for path, (markdown, _digest) in made.digests.items():
        assert markdown is incremental.last.pages[path]
    # the next build from the loaded state parses no file again and equals a clean build
    _rename(content)
    incremental.files.start()
    again = _build(content, incremental)
    assert incremental.files.reloaded == 1
    clean = _build(content, Incremental())
    assert again.pages == clean.pages and again.assets == clean.assets
    assert 0 < len(incremental.rendered) < len(clean.pages)


def test_a_save_rewrites_only_the_buckets_that_changed(tmp_path: Path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    store = buildcache.Store(tmp_path, KEY)
    state = _state(content)
    store.save(state)
    before = _rows(tmp_path)
    _rename(content)
    _build(content, state[0])
    store.save(state)
    after = _rows(tmp_path)
    changed = {row for row in before.keys() | after.keys() if before.get(row) != after.get(row)}
    page = buildcache._bucket("actors/rajnath-singh.md")
    assert ("pages", page) in changed
    assert len(changed) < len(after) / 4, (len(changed), len(after))
    # and what is read back is this build's state, not a mix of the two
    loaded = buildcache.Store(tmp_path, KEY).load()
    assert loaded[0].last.pages == state[0].last.pages
    assert b"R. Singh" in loaded[0].last.pages["actors/rajnath-singh.md"]


def test_two_builds_at_once_leave_the_state_of_the_last_save_whole(tmp_path: Path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    buildcache.Store(tmp_path, KEY).save(_state(content))
    first, second = buildcache.Store(tmp_path, KEY), buildcache.Store(tmp_path, KEY)
    one, two = first.load(), second.load()
    _rename(content)
    _build(content, two[0])
    second.save(two)  # the other build saves in between: `first` holds another generation
    shutil.rmtree(content)
    shutil.copytree(ROOT / "content", content)
    meeting = content / "meetings" / sorted(p.name for p in (content / "meetings").iterdir())[0]
    meeting.write_text(meeting.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _build(content, one[0])
    first.save(one)
    loaded = buildcache.Store(tmp_path, KEY).load()
    assert loaded[0].last.pages == one[0].last.pages
    assert b"R. Singh" not in loaded[0].last.pages["actors/rajnath-singh.md"]
    assert loaded[0].files.entries.keys() == one[0].files.entries.keys()


def test_a_foreign_or_torn_cache_is_a_cold_build_and_is_replaced(tmp_path: Path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    state = _state(content)
    path = tmp_path / buildcache.DATABASE
    assert buildcache.Store(tmp_path, KEY).load() is None  # none yet, and none made by asking
    assert not path.exists()
    buildcache.Store(tmp_path, KEY).save(state)
    assert buildcache.Store(tmp_path, "another key").load() is None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # torn
    assert buildcache.Store(tmp_path, KEY).load() is None
    path.write_bytes(b"not a database" * 100)
    assert buildcache.Store(tmp_path, KEY).load() is None
    store = buildcache.Store(tmp_path, KEY)
    store.save(state)  # the file that is no database goes; the next save writes a new one
    store.save(state)
    assert buildcache.Store(tmp_path, KEY).load()[0].last.pages == state[0].last.pages
