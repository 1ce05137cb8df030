"""The pictures: who met whom and timelines, checked by parsing their SVG (never by snapshot)."""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scratch import write
from sitebuild import copy_project

from generator import pictures
from generator.link import Facts
from generator.model import Actor, Meeting, Participant, Source
from generator.pipeline import build, check
from generator.safety import allowed, sanitize
from generator.validate import TypedRecord
from generator.views import Index, index_view, record_view

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "content"
VALID = ROOT / "tests" / "fixtures" / "valid"
TEMPLATES = ROOT / "templates"
NS = "{http://www.w3.org/2000/svg}"
SCO = "sco-defence-ministers-meeting-2025"
SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.S)


# ---------------------------------------------------------------------------------------------
# helpers


def render(content: Path) -> dict[str, str]:
    # links as `.md` paths, as for Zensical: these tests name the pages by file (the page URLs
    # MkDocs gets are tested in tests/test_picture_links.py)
    built = build(content, TEMPLATES, source_links=True)
    errors = [f"{p.path}:{p.line}: {p.message}" for p in built.problems if p.is_error]
    assert not errors, f"{content} does not validate: {errors[:5]}"
    return built.pages


def svgs(markdown: str, variant: str = "fs-wide") -> dict[str, ET.Element]:
    """Each picture on a page by its kind (`fs-graph`, `fs-timeline`, …), parsed as XML: its
    wide drawing, or its narrow one (variant="fs-narrow")."""
    out = {}
    for block in SVG_BLOCK.findall(markdown):
        root = ET.fromstring(block)
        classes = root.get("class").split()
        if variant in classes:
            out[classes[-1]] = root
    return out


def links(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{NS}a"))


def tooltip(a: ET.Element) -> str:
    return a.find(f"{NS}title").text or ""


def axis(svg: ET.Element):
    """date -> x, read from the timeline's own tick labels ('25' / 'Jun 2025', 'Jun' / '2025')."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    ticks, month, year = [], None, None
    for tick in svg.iter(f"{NS}g"):
        if tick.get("class") != "fs-tick":
            continue
        x = float(tick.find(f"{NS}line").get("x1"))
        label, *second = [t.text for t in tick.findall(f"{NS}text")]
        if label.isdigit() and len(label) <= 2:
            if second:
                name, year_text = second[0].split()
                month, year = months.index(name) + 1, int(year_text)
            ticks.append((dt.date(year, month, int(label)), x))
        elif label in months:
            year = int(second[0]) if second else year
            ticks.append((dt.date(year, months.index(label) + 1, 1), x))
        else:
            ticks.append((dt.date(int(label), 1, 1), x))
    (d0, x0), (d1, x1) = ticks[0], ticks[-1]
    per_day = (x1 - x0) / (d1 - d0).days
    return lambda day: x0 + (day - d0).days * per_day


def row_of(svg: ET.Element, href: str) -> ET.Element:
    (row,) = [a for a in svg.iter(f"{NS}a") if a.get("href") == href]
    return row


def span(row: ET.Element) -> tuple[float, float, float]:
    """(left, right, top) of a timeline row's bar."""
    rect = row.find(f"{NS}rect")
    x, w, y = float(rect.get("x")), float(rect.get("width")), float(rect.get("y"))
    return x, x + w, y


def near(a: float, b: float) -> bool:
    return abs(a - b) <= 0.15  # coordinates are written to one decimal


@pytest.fixture(scope="module")
def shipped() -> dict[str, str]:
    return render(SHIPPED)


@pytest.fixture(scope="module")
def fixture_pages() -> dict[str, str]:
    return render(VALID)


# ---------------------------------------------------------------------------------------------
# who met whom


@pytest.mark.parametrize("pages", ["shipped", "fixture_pages"])
def test_singh_graph_links_to_belousov(pages, request):
    graph = svgs(request.getfixturevalue(pages)["actors/rajnath-singh.md"])["fs-graph"]
    assert graph.get("role") == "group"
    assert graph.find(f"{NS}title").text and graph.find(f"{NS}desc").text
    edges = graph.find(f"{NS}g[@class='fs-edges']")
    to_belousov = [a for a in edges.findall(f"{NS}a") if a.get("href") == "andrey-belousov.md"]
    assert len(to_belousov) == 1
    assert to_belousov[0].find(f"{NS}line") is not None
    assert "Andrey Belousov" in tooltip(to_belousov[0])
    assert "Andrey Belousov" in graph.find(f"{NS}desc").text
    nodes = graph.find(f"{NS}g[@class='fs-nodes']")
    assert "andrey-belousov.md" in {a.get("href") for a in nodes.findall(f"{NS}a")}


def test_edge_width_grows_with_meetings(fixture_pages):
    graph = svgs(fixture_pages["actors/rajnath-singh.md"])["fs-graph"]
    width = {
        a.get("href"): float(a.find(f"{NS}line").get("stroke-width"))
        for a in graph.find(f"{NS}g[@class='fs-edges']").findall(f"{NS}a")
    }
    assert width["andrey-belousov.md"] > width["china.md"]  # two meetings against one
    assert "2 meetings" in tooltip(
        row_of(graph.find(f"{NS}g[@class='fs-edges']"), "andrey-belousov.md")
    )


def test_nodes_have_a_shape_per_kind(fixture_pages):
    graph = svgs(fixture_pages["actors/rajnath-singh.md"])["fs-graph"]
    nodes = {a.get("href"): a for a in graph.find(f"{NS}g[@class='fs-nodes']").findall(f"{NS}a")}
    assert nodes["andrey-belousov.md"].find(f"{NS}circle") is not None  # a person
    assert nodes["china.md"].find(f"{NS}polygon") is not None  # a state: a diamond


def test_network_of_people_on_the_meetings_index(shipped):
    network = svgs(shipped["meetings/index.md"])["fs-network"]
    hrefs = {a.get("href") for a in links(network)}
    assert "../actors/rajnath-singh.md" in hrefs and "../actors/andrey-belousov.md" in hrefs
    assert all(h.endswith(".md") or ".md#" in h for h in hrefs)


# ---------------------------------------------------------------------------------------------
# timelines


@pytest.mark.parametrize("pages", ["shipped", "fixture_pages"])
def test_timeline_places_qingdao_meetings_on_25_and_26_june(pages, request):
    built = request.getfixturevalue(pages)
    timeline = svgs(built["actors/rajnath-singh.md"])["fs-timeline"]
    x = axis(timeline)
    sco = span(row_of(timeline, f"../meetings/{SCO}.md"))
    assert near(sco[0], x(dt.date(2025, 6, 25))) and near(sco[1], x(dt.date(2025, 6, 27)))
    assert "25–26 June 2025" in tooltip(row_of(timeline, f"../meetings/{SCO}.md"))
    # the meetings on its sidelines: 26 June, below it, inside its group band
    rows = [a for a in timeline.iter(f"{NS}a") if a.get("href", "").startswith("../meetings/")]
    side = [a for a in rows if "sidelines" in tooltip(a)]
    assert side and any("Belousov" in tooltip(a) for a in side)
    band = [r for r in timeline.find(f"{NS}g[@class='fs-groups']") if r.get("fill-opacity")][0]
    for row in side:
        left, right, top = span(row)
        assert near(left, x(dt.date(2025, 6, 26))) and near(right, x(dt.date(2025, 6, 27)))
        assert top > sco[2]
        assert float(band.get("y")) <= top <= float(band.get("y")) + float(band.get("height"))
        assert near(float(band.get("x")), sco[0])
    # every row in date order
    lefts = [span(a)[0] for a in timeline.find(f"{NS}g[@class='fs-rows']")]
    assert lefts == sorted(lefts)


def test_month_and_year_precision_are_drawn_as_spans(tmp_path):
    content = shutil.copytree(VALID, tmp_path / "content")
    for id_, date in (("month-meeting", "2025-06"), ("year-meeting", "2024")):
        write(
            content / "meetings" / f"{id_}.yml",
            f"title: Meeting dated {date}\nkind: bilateral\ndate: '{date}'\n"
            "participants:\n  - actor: rajnath-singh\n  - actor: andrey-belousov\n"
            "cite: [seed-article]\nstatus: reported\n",
        )
    timeline = svgs(render(content)["actors/rajnath-singh.md"])["fs-timeline"]
    x = axis(timeline)
    month = row_of(timeline, "../meetings/month-meeting.md")
    left, right, _ = span(month)
    assert near(left, x(dt.date(2025, 6, 1))) and near(right, x(dt.date(2025, 7, 1)))
    assert month.find(f"{NS}rect").get("stroke-dasharray")  # imprecise: dashed, not solid
    left, right, _ = span(row_of(timeline, "../meetings/year-meeting.md"))
    assert near(left, x(dt.date(2024, 1, 1))) and near(right, x(dt.date(2025, 1, 1)))
    day = row_of(timeline, "../meetings/singh-belousov-2025-06-26.md").find(f"{NS}rect")
    assert day.get("stroke-dasharray") is None


def test_topic_timeline_and_month_position(fixture_pages):
    timeline = svgs(fixture_pages["topics/defence-cooperation.md"])["fs-timeline"]
    x = axis(timeline)
    left, right, _ = span(row_of(timeline, "../positions/russia-defence-partnership.md"))
    assert near(left, x(dt.date(2025, 6, 1))) and near(right, x(dt.date(2025, 7, 1)))
    # the parent meeting is drawn for context, with the side meeting grouped under it
    assert "context" in tooltip(row_of(timeline, f"../meetings/{SCO}.md"))


def test_meetings_by_month_links_each_bar(shipped):
    index = shipped["meetings/index.md"]
    bars = links(svgs(index)["fs-months"])
    assert bars
    for bar in bars:  # "Jun 2025: 10 meetings" -> the year's section of the index
        year = tooltip(bar).split(":")[0].split()[-1]
        assert bar.get("href") == f"#y{year}" and f"{{ #y{year} }}" in index
    june = [a for a in bars if tooltip(a).startswith("Jun 2025:")]
    expected = sum(
        1 for r in check(SHIPPED).facts.of_type("meetings") if r.data.date[:7] == "2025-06"
    )
    assert [tooltip(a) for a in june] == [f"Jun 2025: {expected} meetings"]


# ---------------------------------------------------------------------------------------------
# output: deterministic, escaped, within what the sanitiser keeps


def test_two_renders_give_identical_svg(fixture_pages):
    again = render(VALID)
    for path, page in fixture_pages.items():
        assert SVG_BLOCK.findall(page) == SVG_BLOCK.findall(again[path]), path


def test_identical_across_processes_with_different_hash_seeds():
    """Set and dict orders differ between processes; the pictures must not."""
    script = """if True:
        import hashlib, re, sys
        from pathlib import Path
        from generator.pipeline import build
        pages = build(Path(sys.argv[1]), Path(sys.argv[2])).pages
        svg = re.findall(r"<svg\\b.*?</svg>", "".join(pages[k] for k in sorted(pages)), re.S)
        print(len(svg), hashlib.sha256("".join(svg).encode()).hexdigest())
    """
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(SHIPPED), str(TEMPLATES)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1 and int(next(iter(digests)).split()[0]) > 10


def test_hostile_names_are_escaped(tmp_path):
    evil = '<script>alert("x")</script> & </title><svg onload=alert(1)> \'\u2028]]>'
    content = tmp_path / "content"
    write(content / "sources/s.yml", f"title: {json.dumps(evil)}\nkind: other\n")
    for id_, kind in (("a", "person"), ("b", "person"), ("c", "state")):
        name = json.dumps(evil + id_)
        write(
            content / f"actors/{id_}.yml",
            f"kind: {kind}\nname: {name}\ncite: [s]\nstatus: reported\n",
        )
    write(
        content / "meetings/m.yml",
        f"title: {json.dumps(evil)}\nkind: bilateral\ndate: '2025-06-26'\nparticipants:\n"
        "  - actor: a\n  - actor: b\n  - actor: c\ncite: [s]\nstatus: reported\n",
    )
    pages = render(content)
    seen = 0
    for path in ("actors/a.md", "meetings/index.md"):
        for kind, svg in svgs(pages[path]).items():  # parses: the XML is well formed
            seen += 1
            assert [e for e in svg.iter() if e.tag == f"{NS}svg"] == [svg]
            assert not [e for e in svg.iter() if e.tag.endswith("script")]
            assert not [k for e in svg.iter() for k in e.attrib if k.startswith("on")]
            texts = " ".join(t for e in svg.iter() for t in (e.text,) if t)
            if kind != "fs-months":  # names and titles shown as text, not markup
                assert '<script>alert("x")</script> & </title><svg onload=alert(1)>' in texts
    assert seen == 4
    assert "<script" not in sanitize(pages["actors/a.md"]).replace("&lt;script", "")


class Elements(HTMLParser):
    """(tag, attributes) of every element inside <svg>, in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, tuple]] = []
        self.depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        if self.depth:
            self.found.append((tag, tuple(sorted(attrs))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def test_the_sanitiser_keeps_every_picture_whole(shipped):
    checked = 0
    allowed_tags, allowed_attributes = allowed()
    for page in shipped.values():
        for block in SVG_BLOCK.findall(page):
            for element in ET.fromstring(block).iter():
                tag = element.tag.removeprefix(NS)
                assert tag in allowed_tags
                permitted = allowed_attributes.get(tag, set()) | allowed_attributes["*"]
                assert set(element.attrib) - {"xmlns"} <= permitted, tag
            assert Elements(sanitize(block)).found == Elements(block).found
            checked += 1
    assert checked >= 4


def test_a_picture_is_one_raw_html_block(shipped):
    """Markdown ends a raw HTML block at a blank line: a figure must have none."""
    page = shipped["actors/rajnath-singh.md"]
    for figure in re.findall(r"^<figure class=\"fs-figure\".*?</figure>$", page, re.S | re.M):
        assert "\n\n" not in figure
    assert page.count('<figure class="fs-figure"') == 2


# ---------------------------------------------------------------------------------------------
# size: bounded however large the content


def synthetic_facts(people: int, meetings: int) -> Facts:
    records: dict[str, TypedRecord] = {}

    def add(type_: str, id_: str, data) -> None:
        records[id_] = TypedRecord(type_, id_, f"content/{type_}/{id_}.yml", data, None)

    add("sources", "s", Source(title="Synthetic", kind="other"))
    for i in range(people):
        add(
            "actors",
            f"p{i}",
            Actor(kind="person", name=f"Person {i}", cite=["s"], status="reported"),
        )
    for j in range(meetings):
        # a few people attend most meetings: hubs, as in real diplomacy
        who = {f"p{j % 7}", f"p{(j * 7919) % people}", f"p{(j * 104729 + 13) % people}"}
        date = f"{2010 + j % 15}-{1 + j % 12:02d}-{1 + j % 28:02d}"
        participants = [Participant(actor=a) for a in sorted(who)]
        meeting = Meeting(
            title=f"Meeting {j}",
            kind="bilateral",
            date=date,
            participants=participants,
            cite=["s"],
            status="reported",
        )
        add("meetings", f"m{j}", meeting)
    return Facts(records)


def test_large_content_stays_bounded():
    facts = synthetic_facts(2000, 3000)
    index = Index.build(facts)
    started = time.perf_counter()
    meetings = index_view(index, "meetings")
    network = meetings.network
    elapsed = time.perf_counter() - started
    root = ET.fromstring(network.svg)
    drawn = root.find(f"{NS}g[@class='fs-nodes']").findall(f"{NS}a")
    assert len(drawn) == pictures.NETWORK_LIMIT
    people = pictures.people_graph(facts.records).number_of_nodes()
    assert f"the {pictures.NETWORK_LIMIT} most connected of {people:,} people" in network.caption
    assert "../actors/p0/" in {a.get("href") for a in drawn}  # the busiest person is among them
    assert elapsed < 20 and len(network.svg) < 400_000

    actor = record_view(index, facts.records["p0"])
    ego = actor.graph
    around = ET.fromstring(ego.svg).find(f"{NS}g[@class='fs-edges']").findall(f"{NS}a")
    assert len(around) == pictures.EGO_LIMIT
    assert f"Showing the {pictures.EGO_LIMIT} with the most meetings" in ego.caption

    line = actor.timeline
    rows = ET.fromstring(line.svg).find(f"{NS}g[@class='fs-rows']").findall(f"{NS}a")
    assert len(rows) <= pictures.TIMELINE_LIMIT
    assert "Showing the latest" in line.caption

    months = ET.fromstring(meetings.timeline.svg)
    assert len(links(months)) == 15  # fifteen years: a bar per year, not 180 months


# ---------------------------------------------------------------------------------------------
# a real `mkdocs build --strict`: the pictures survive and their links lead to real pages


class Built(HTMLParser):
    """The hrefs inside each <svg> of a built page, by the svg's class; and the page's ids."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.pictures: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self.current: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "svg" and "fs-svg" in (attrs.get("class") or ""):
            self.current = attrs["class"].split()[-1]
            self.pictures[self.current] = []
        elif tag == "a" and self.current:
            self.pictures[self.current].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


@pytest.mark.parametrize("directory_urls", [True, False])
def test_mkdocs_build_keeps_pictures_and_their_links(tmp_path, directory_urls):
    work = copy_project(tmp_path / "site-project")
    shutil.copytree(VALID, work / "content")
    config = (work / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "use_directory_urls: true", f"use_directory_urls: {str(directory_urls).lower()}"
    )
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "OFFLINE": "false",
    }
    result = subprocess.run(
        [
            str(ROOT / ".venv/bin/mkdocs") if (ROOT / ".venv/bin/mkdocs").exists() else "mkdocs",
            "build",
            "--strict",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    site = work / "site"

    def built(page: str) -> tuple[Path, Built]:
        directory = directory_urls and not page.endswith("index")
        path = site / (page + "/index.html" if directory else page + ".html")
        return path, Built(path.read_text(encoding="utf-8"))

    checked = 0
    for page, expected in (
        ("actors/rajnath-singh", {"fs-graph", "fs-timeline"}),
        ("meetings/index", {"fs-network", "fs-months"}),
        ("topics/defence-cooperation", {"fs-timeline"}),
    ):
        path, html = built(page)
        assert expected <= set(html.pictures), page
        for hrefs in html.pictures.values():
            for href in hrefs:
                assert ".md" not in href, href  # rewritten into the site's URLs
                target, _, anchor = href.partition("#")
                if target:
                    resolved = Path(posixpath.normpath(posixpath.join(str(path.parent), target)))
                    resolved = (
                        resolved / "index.html"
                        if href.endswith("/") or resolved.is_dir()
                        else resolved
                    )
                    assert resolved.is_file(), (page, href)
                    checked += 1
                else:
                    assert anchor in html.ids, (page, href)
    assert checked > 10
    _, singh = built("actors/rajnath-singh")
    belousov = [h for h in singh.pictures["fs-graph"] if "andrey-belousov" in h]
    assert belousov and set(belousov) == {
        "../andrey-belousov/" if directory_urls else "andrey-belousov.html"
    }
