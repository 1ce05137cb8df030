"""The search index builder (generator/search.py) on the shipped content and on small records.

What a reader gets from it (ranking, matching, the widget) is checked in a real browser by
tests/browser/test_search.py and test_search_reader.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from searchfiles import read_call
from sitebuild import ROOT

from generator import pipeline, search
from generator.model import TYPES

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def shipped():
    built = pipeline.build(CONTENT, ROOT / "templates")
    assert built.checked.ok
    return built


@pytest.fixture(scope="module")
def index(shipped) -> dict[str, tuple]:
    return {
        path: read_call(data) for path, data in shipped.assets.items() if path.startswith("search/")
    }


def documents(index) -> list[list]:
    """Every document row, in document-number order."""
    chunks = {key: rows for kind, key, rows in index.values() if kind == "chunk"}
    return [row for key in sorted(chunks) for row in chunks[key]]


def decode(postings: list[int]) -> list[tuple[int, int]]:
    out, doc = [], 0
    for value in postings:
        doc += value >> 2
        out.append((doc, value & 3))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Andrey Belousov", ["andrey", "belousov"]),
        ("COMMUNIQUÉ, communiqué", ["communique", "communique"]),
        ("Белоусов Андрей Рэмович", ["белоусов", "андреи", "рэмович"]),  # й folds to и
        ("राजनाथ सिंह", ["राजनाथ", "सिंह"]),  # vowel signs and virama stay inside the word
        ("董军", ["董军"]),
        ("青岛国际会议中心", ["青岛", "岛国", "国际", "际会", "会议", "议中", "中心"]),
        ("Dong Jun (董军)", ["dong", "jun", "董军"]),
        ("snake_case it's 2025-06-26", ["snake", "case", "it", "s", "2025", "06", "26"]),
        ("   ", []),
    ],
)
def test_words_fold_case_accents_and_split_chinese_into_bigrams(text, expected):
    assert search.words(text) == expected


def test_shard_keys_and_file_names():
    assert search.shard_key("belousov") == "be"
    assert search.shard_key("b") == "b"
    assert search.shard_key("青岛") == "青"
    assert search.file_key("be") == "62-65"
    assert search.file_key("青") == "9752"


def test_every_file_is_one_call_with_a_json_string(shipped, index):
    assert "search/manifest.js" in index
    for path, (kind, key, _payload) in index.items():
        if path == "search/manifest.js":
            assert kind == "manifest"
        elif path.startswith("search/t/"):
            assert kind == "shard" and path == f"search/t/{search.file_key(key)}.js"
        else:
            assert kind == "chunk" and path == f"search/d/{key}.js"


def test_documents_cover_every_record_and_page_in_rank_order(shipped, index):
    rows = documents(index)
    pages = [row[3] for row in rows]
    records = {f"{r.type}/{r.id}.md" for r in shipped.checked.facts.records.values()}
    assert set(pages) == records | {"index.md"} | {f"{t}/index.md" for t in TYPES}
    assert set(pages) <= set(shipped.pages), "every result is a page of the site"
    manifest = index["search/manifest.js"][2]
    assert manifest["types"] == "".join(row[0] for row in rows)
    # actors, places, topics, pages, meetings, positions, sources: ties break in this order
    assert search.ORDER == (
        "actors",
        "places",
        "topics",
        "pages",
        "meetings",
        "positions",
        "sources",
    )
    ranks = [list(search.TYPE_LETTERS.values()).index(row[0]) for row in rows]
    assert ranks == sorted(ranks)
    # inside a type, the most referred-to first: India (many back-references) before Belarus
    assert pages.index("actors/india.md") < pages.index("actors/belarus.md")
    meetings = [row for row in rows if row[0] == "m"]
    assert all(row[4] for row in meetings), "every meeting shows its date"


def test_postings_point_at_documents_with_the_term(shipped, index):
    manifest = index["search/manifest.js"][2]
    rows = documents(index)
    assert len(rows) == len(manifest["types"])
    shards = {key: data for kind, key, data in index.values() if kind == "shard"}
    assert sorted(shards) == manifest["shards"]
    for key, shard in shards.items():
        assert shard["t"] == sorted(set(shard["t"])) and len(shard["t"]) == len(shard["p"])
        for term, postings in zip(shard["t"], shard["p"], strict=True):
            assert search.shard_key(term) == key
            pairs = decode(postings)
            numbers = [n for n, _ in pairs]
            assert numbers == sorted(set(numbers)) and numbers[-1] < len(rows)
            for number, flags in pairs:
                _, _, name, _, _, names, text = rows[number]
                in_name = any(term in search.words(n) for n in [name, *names])
                assert bool(flags & search.NAME) == in_name, (term, name)
                assert flags in (1, 2, 3)


def test_whole_names_lead_to_their_records(shipped, index):
    """Every name, native name and alias of an actor, place or topic is a whole-name key of its
    own document: the script ranks that document first for that query."""
    rows = documents(index)
    number = {row[3]: n for n, row in enumerate(rows)}
    shards = {key: data for kind, key, data in index.values() if kind == "shard"}
    checked = 0
    for record in shipped.checked.facts.records.values():
        if record.type not in ("actors", "places", "topics"):
            continue
        data = record.data
        names = [data.name, *getattr(data, "native_names", {}).values(), *data.aliases]
        for name in names:
            terms = search.words(name)
            whole = shards[search.shard_key(terms[0])]["w"][" ".join(terms)]
            assert number[f"{record.type}/{record.id}.md"] in whole, name
            checked += 1
    assert checked > 50


def test_markdown_and_links_become_the_text_a_reader_sees(shipped):
    facts = shipped.checked.facts
    text = search._plain("**Talks** with [[andrey-belousov]] ([report](https://x.org/a)).", facts)
    assert text == "Talks with Andrey Belousov (report)."


def test_the_index_is_small_for_the_shipped_content(shipped, index):
    sizes = {path: len(data) for path, data in shipped.assets.items() if path.startswith("search/")}
    assert sum(sizes.values()) < 200_000, "the whole index of the shipped content is a few KiB"
    assert max(sizes.values()) < 64 * 1024


def test_search_script_never_writes_html():
    """search.js shows names and text from the index as text nodes only."""
    script = (ROOT / "docs" / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in script


def test_empty_content_gives_the_pages_only(tmp_path: Path):
    (tmp_path / "actors").mkdir()
    checked = pipeline.check(tmp_path)
    files = search.build_index(checked.facts)
    kind, _, manifest = read_call(files["search/manifest.js"])
    assert manifest["types"] == "h" * 7
