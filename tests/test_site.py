"""A real `mkdocs build` of the shipped content (and of hostile content), checked through an HTML parser."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from searchfiles import search_documents
from sitebuild import ROOT, mkdocs_build, parse, prepare, tree_digest

CONTENT = ROOT / "content"
TYPES = ("actors", "places", "meetings", "positions", "topics", "sources")


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    work = prepare(tmp_path_factory.mktemp("shipped"), CONTENT)
    result = mkdocs_build(work)
    assert result.returncode == 0, result.stderr[-4000:]
    return work / "site"


def page(site: Path, type_: str, id_: str) -> Path:
    return site / type_ / id_ / "index.html"


def resolve(site: Path, html_file: Path, href: str) -> tuple[Path | None, str]:
    """Map a relative href in a built page to the file it points at (None: external)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "//")):
        return None, ""
    if not parts.path:
        return html_file, parts.fragment
    target = Path(
        posixpath.normpath(posixpath.join(html_file.parent.as_posix(), unquote(parts.path)))
    )
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def test_every_record_has_its_page(shipped_site):
    missing = [
        f"{t}/{f.stem}"
        for t in TYPES
        for f in sorted((CONTENT / t).glob("*.yml"))
        if not page(shipped_site, t, f.stem).is_file()
    ]
    assert not missing
    assert sum(1 for t in TYPES for _ in (CONTENT / t).glob("*.yml")) > 40


def test_every_internal_link_and_anchor_resolves(shipped_site):
    broken = []
    ids_cache: dict[Path, set[str]] = {}
    # 404.html is MkDocs' own page; without a site_url its links are root-absolute by design
    pages = sorted(p for p in shipped_site.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 40
    for html_file in pages:
        for href in parse(html_file).links:
            target, fragment = resolve(shipped_site, html_file, href)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{html_file.relative_to(shipped_site)} -> {href}")
                continue
            if fragment and target.suffix == ".html":
                ids = ids_cache.setdefault(target, parse(target).ids)
                if unquote(fragment) not in ids:
                    broken.append(f"{html_file.relative_to(shipped_site)} -> {href} (no anchor)")
    assert not broken, "\n".join(broken[:50])


def _links_to(html_file: Path, site: Path, type_: str, id_: str) -> bool:
    want = page(site, type_, id_).resolve()
    return any(
        (t := resolve(site, html_file, href)[0]) is not None and t.resolve() == want
        for href in parse(html_file).links
    )


def _find(type_: str, **match) -> list[str]:
    """Ids of shipped records whose raw YAML has the given top-level values."""
    out = []
    for f in sorted((CONTENT / type_).glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if all(data.get(k) == v for k, v in match.items()):
            out.append(f.stem)
    return out


def _singh_belousov() -> str:
    for f in sorted((CONTENT / "meetings").glob("*.yml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        actors = {p["actor"] for p in data.get("participants", [])}
        if {"rajnath-singh", "andrey-belousov"} <= actors and data.get("kind") == "bilateral":
            return f.stem
    pytest.fail("no bilateral meeting of rajnath-singh and andrey-belousov in content/meetings")


def test_singh_page_lists_the_qingdao_meeting_with_belousov(shipped_site):
    meeting = _singh_belousov()
    singh = page(shipped_site, "actors", "rajnath-singh")
    assert _links_to(singh, shipped_site, "meetings", meeting)
    assert _links_to(singh, shipped_site, "actors", "andrey-belousov")
    text = parse(singh).text
    assert "Qingdao" in text and "Andrey Belousov" in text
    assert "राजनाथ सिंह" in text


def test_meeting_links_to_the_meeting_it_was_part_of(shipped_site):
    meeting = _singh_belousov()
    data = yaml.safe_load((CONTENT / "meetings" / f"{meeting}.yml").read_text(encoding="utf-8"))
    parent = data["part_of"]
    assert (
        "SCO"
        in yaml.safe_load((CONTENT / "meetings" / f"{parent}.yml").read_text(encoding="utf-8"))[
            "title"
        ]
    )
    assert _links_to(page(shipped_site, "meetings", meeting), shipped_site, "meetings", parent)
    # and back: the parent lists its side meetings
    assert _links_to(page(shipped_site, "meetings", parent), shipped_site, "meetings", meeting)


def test_counter_terrorism_topic_shows_india_refusal(shipped_site):
    refusals = _find("positions", holder="india", stance="refused-to-endorse")
    assert refusals, "no refused-to-endorse position held by india"
    topic = page(shipped_site, "topics", "counter-terrorism")
    html = parse(topic)
    assert any(_links_to(topic, shipped_site, "positions", pid) for pid in refusals)
    assert "refused to endorse" in html.text and "India" in html.text


def test_data_files_are_published_and_linked_from_home(shipped_site):
    facts = json.loads((shipped_site / "data" / "facts.json").read_text(encoding="utf-8"))
    ids = {(r["type"], r["id"]) for r in facts["records"]}
    assert ("actors", "rajnath-singh") in ids
    for type_ in TYPES:
        assert (shipped_site / "data" / f"{type_}.csv").is_file()
        schema = json.loads(
            (shipped_site / "schema" / f"{type_}.schema.json").read_text(encoding="utf-8")
        )
        assert schema["type"] == "object"
    home = shipped_site / "index.html"
    reuse = {
        "api/index.json",
        "data/popolo.json",
        "data/facts.db",
        "schema/api/meetings.schema.json",
    }
    assert {"data/facts.json", "data/actors.csv", "schema/actors.schema.json"} | reuse <= set(
        parse(home).links
    )
    for path in reuse | {"api/meetings/singh-belousov-meeting-2025-06-26.json"}:
        assert (shipped_site / path).is_file(), path


def test_records_stay_out_of_the_nav(shipped_site):
    nav_links = [
        a.get("href")
        for tag, a in parse(shipped_site / "index.html").attributes
        if tag == "a" and "md-nav__link" in (a.get("class") or "")
    ]
    assert any("actors/" in (h or "") for h in nav_links)
    assert not any("rajnath-singh" in (h or "") for h in nav_links)


# ---------------------------------------------------------------------------------------------
# Hostile content: every text field holds an HTML/script payload.

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)></title><b>bold</b>'


def _hostile_content(folder: Path) -> None:
    p = PAYLOAD
    records = {
        "sources/s1": {
            "title": p,
            "kind": "news",
            "publisher": p,
            "agency": p,
            "note": p,
            "url": "https://example.org/a",
        },
        "actors/india": {
            "kind": "state",
            "name": p,
            "aliases": [p],
            "native_names": {"hi": p},
            "summary": p,
            "note": p,
            "identifiers": {"wikidata": p},
            "cite": ["s1"],
            "status": "confirmed",
        },
        "actors/singh": {
            "kind": "person",
            "name": p,
            "country": "india",
            "summary": f"{p} [[india]]",
            "cite": ["s1"],
            "status": "reported",
            "posts": [{"organisation": "india", "title": p, "attested": "2025-06"}],
            "disagreements": [{"field": "summary", "value": p, "cite": ["s1"], "note": p}],
        },
        "places/city": {
            "name": p,
            "kind": "city",
            "native_names": {"zh": p},
            "aliases": [p],
            "summary": p,
            "country": "india",
            "cite": ["s1"],
            "status": "confirmed",
        },
        "topics/t1": {
            "name": p,
            "aliases": [p],
            "summary": p,
            "cite": ["s1"],
            "status": "confirmed",
        },
        "topics/t2": {"name": p, "parent": "t1", "cite": ["s1"], "status": "confirmed"},
        "meetings/m1": {
            "title": p,
            "kind": "bilateral",
            "date": "2025-06-26",
            "place": "city",
            "topics": ["t2"],
            "summary": p,
            "outcomes": [p],
            "note": p,
            "participants": [
                {"actor": "singh", "post": p, "on_behalf_of": "india"},
                {"actor": "india"},
            ],
            "quotes": [{"by": "singh", "text": p, "translation": p, "language": "en"}],
            "cite": ["s1"],
            "status": "confirmed",
        },
        "positions/p1": {
            "holder": "india",
            "expressed_by": "singh",
            "topic": "t2",
            "stance": "opposes",
            "date": "2025-06",
            "expressed_at": "m1",
            "statement": p,
            "reason": p,
            "quotes": [{"by": "singh", "text": p}],
            "cite": ["s1"],
            "status": "confirmed",
            "disagreements": [{"field": "date", "value": p, "cite": ["s1"]}],
        },
    }
    for name, data in records.items():
        path = folder / f"{name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_html_payload_in_every_text_field_comes_out_escaped(tmp_path):
    content = tmp_path / "content-src"
    _hostile_content(content)
    work = prepare(tmp_path / "work", content)
    result = mkdocs_build(work)
    assert result.returncode == 0, result.stderr[-4000:]
    site = work / "site"
    pages = sorted(site.rglob("*.html"))
    shown = 0
    for html_file in pages:
        raw = html_file.read_text(encoding="utf-8")
        doc = parse(html_file)
        for attrs, body in doc.scripts:
            if attrs.get("type") == "application/ld+json":
                assert "<" not in body and ">" not in body  # cannot close the element
                json.loads(body)  # still valid JSON: the payload is data in it
            else:
                assert "alert" not in body, f"{html_file}: script body carries the payload"
        for tag, attrs in doc.attributes:
            assert tag not in ("img", "b") or "md-" in (attrs.get("class") or ""), (
                f"{html_file}: <{tag}> from the payload"
            )
            assert not any(k.startswith("on") for k in attrs), (
                f"{html_file}: event handler attribute on <{tag}>"
            )
            assert not (attrs.get("href") or "").lower().startswith(("javascript:", "data:"))
        assert "<script>alert" not in raw
        if "alert(&quot;xss&quot;)" in raw or 'alert("xss")' in doc.text:
            shown += 1
    record_pages = [
        page(site, t, i)
        for t, i in [
            ("actors", "singh"),
            ("meetings", "m1"),
            ("positions", "p1"),
            ("topics", "t1"),
            ("places", "city"),
            ("sources", "s1"),
        ]
    ]
    for record_page in record_pages:
        doc = parse(record_page)
        assert (
            '<script>alert("xss")</script>' in doc.text
            or "<script>alert(" in doc.h1
            or record_page.parent.parent.name == "positions"
        )
    # the name is the page title and heading: shown as text, never as markup
    singh = parse(page(site, "actors", "singh"))
    assert '<script>alert("xss")</script>' in singh.title
    assert '<script>alert("xss")</script>' in singh.h1
    assert shown >= 6
    # the search index holds the name as plain text; search.js sets it as text, never as HTML
    names = [row[2] for row in search_documents(site)]
    assert PAYLOAD in names


def test_invalid_content_fails_the_build_and_leaves_site_untouched(tmp_path):
    work = prepare(tmp_path / "work", CONTENT)
    assert mkdocs_build(work).returncode == 0
    before = tree_digest(work / "site")
    victim = sorted((work / "content" / "actors").glob("*.yml"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "nmae: typo\n", encoding="utf-8")
    result = mkdocs_build(work)
    assert result.returncode != 0
    line = len(victim.read_text(encoding="utf-8").splitlines())
    assert f"{victim.name}:{line}:1: error:" in result.stderr + result.stdout
    assert "schema.unknown-field" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(work / "site") == before


def test_two_builds_are_byte_identical(tmp_path, shipped_site):
    work = prepare(tmp_path / "work", CONTENT)
    assert mkdocs_build(work, site_dir="again").returncode == 0
    first, second = tree_digest(shipped_site), tree_digest(work / "again")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_the_disputed_refusal_date_shows_both_versions(shipped_site):
    """India's refusal: 26 June by most reports, 25 June ("on Wednesday") by one; both shown."""
    refusals = _find("positions", holder="india", stance="refused-to-endorse")
    html_file = page(shipped_site, "positions", refusals[0])
    doc = parse(html_file)
    assert "26 June 2025" in doc.text and "25 June 2025" in doc.text
    assert "sources disagree" in doc.text
    assert "#disagreements" in doc.links and "disagreements" in doc.ids


def test_the_disputed_venue_of_the_sco_meeting_shows_both_versions(shipped_site):
    """Qingdao by every report; the Qingdao International Conference Centre by CCTV-7: both shown."""
    (sco,) = _find("meetings", kind="ministerial", end_date="2025-06-26")
    html_file = page(shipped_site, "meetings", sco)
    doc = parse(html_file)
    assert _links_to(html_file, shipped_site, "places", "qingdao")
    assert _links_to(html_file, shipped_site, "places", "qingdao-international-conference-centre")
    assert "sources disagree" in doc.text and "disagreements" in doc.ids
    assert "Place" in doc.text and "visited" in doc.text


def test_kazakhstan_meeting_page_names_the_minister_and_a_dated_source(shipped_site):
    (meeting,) = [
        m
        for m in _find("meetings", kind="bilateral", date="2025-06-26")
        if "dauren-kosanov"
        in {
            p["actor"]
            for p in yaml.safe_load((CONTENT / "meetings" / f"{m}.yml").read_text("utf-8"))[
                "participants"
            ]
        }
    ]
    html_file = page(shipped_site, "meetings", meeting)
    assert _links_to(html_file, shipped_site, "actors", "dauren-kosanov")
    assert _links_to(html_file, shipped_site, "actors", "rajnath-singh")
    text = parse(html_file).text
    assert "26 June 2025" in text and "Devdiscourse" in text
