"""Never stale, never wrong: after each edit, an incremental build equals a clean build byte for
byte, while rendering only the pages whose dependencies changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.githistory import commit_history
from bench.synth import write_content
from generator.export import record_dicts, to_json
from generator.history import read_history
from generator.incremental import Incremental
from generator.link import Facts
from generator.pipeline import build, check

ROOT = Path(__file__).resolve().parent.parent
EDIT_URL = "https://example.org/edit/main/{path}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rename_everywhere(content: Path, old: str, new: str) -> None:
    for path in content.glob("*/*.yml"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new), encoding="utf-8")


class Site:
    """A content and templates folder, built incrementally (one state) and clean, side by side."""

    def __init__(self, tmp_path: Path, content: Path):
        self.content = content
        self.templates = shutil.copytree(ROOT / "templates", tmp_path / "templates")
        self.state = Incremental()
        self.updated = {"content/actors/rajnath-singh.yml": "2025-06-27"}

    def build(self):
        return build(
            self.content, self.templates, edit_url=EDIT_URL, updated=self.updated, state=self.state
        )

    def same_as_clean(self) -> list[str]:
        """Build incrementally and clean; compare every output; return the pages re-rendered."""
        built = self.build()
        clean = build(self.content, self.templates, edit_url=EDIT_URL, updated=self.updated)
        errors = [str(p) for p in clean.problems if p.is_error]
        assert not errors, errors[:3]
        assert built.problems == clean.problems
        assert list(built.pages) == list(clean.pages)
        for path, text in clean.pages.items():
            assert built.pages[path] == text, f"{path} is stale"
        assert built.assets == clean.assets
        assert built.depends == clean.depends
        return self.state.rendered


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path, shutil.copytree(ROOT / "content", tmp_path / "content"))


def test_every_edit_builds_as_a_clean_build_would(site: Site):
    content = site.content
    pages = len(site.same_as_clean())  # first build: everything
    assert pages > 80

    # rename an actor that many pages show
    _edit(content / "actors/rajnath-singh.yml", "name: Rajnath Singh", "name: Rajnath Singh Ji")
    rendered = site.same_as_clean()
    assert "actors/rajnath-singh.md" in rendered and "meetings/index.md" in rendered
    # the records' own data outputs (JSON document, search entry, row) mostly kept
    assert "rajnath-singh" in site.state.near.touched
    assert "moscow" not in site.state.near.touched and site.state.near.kept > 100
    assert "meetings/singh-khrenin-meeting-2025-06-26.md" in rendered  # lists him
    assert "places/moscow.md" not in rendered and len(rendered) < pages

    # add a meeting: its page, its participants', its place's and topic's pages, the indexes
    (content / "meetings/singh-lavrov-2025-07-01.yml").write_text(
        'title: Rajnath Singh meets Sergei Lavrov\nkind: bilateral\ndate: "2025-07-01"\n'
        "place: moscow\nparticipants:\n  - actor: rajnath-singh\n  - actor: sergei-lavrov\n"
        "topics: [defence-cooperation]\nsummary: A meeting in [[moscow]].\n"
        "cite: [seed-article]\nstatus: reported\n",
        encoding="utf-8",
    )
    rendered = site.same_as_clean()
    assert {"meetings/singh-lavrov-2025-07-01.md", "actors/sergei-lavrov.md"} <= set(rendered)
    assert {"places/moscow.md", "topics/defence-cooperation.md", "index.md"} <= set(rendered)

    # an edit to a list's order only: the meeting moves before the others
    _edit(content / "meetings/singh-lavrov-2025-07-01.yml", '"2025-07-01"', '"2025-06"')
    site.same_as_clean()

    # delete a record: its page disappears, so do its links
    (content / "meetings/singh-lavrov-2025-07-01.yml").unlink()
    site.same_as_clean()
    assert "meetings/singh-lavrov-2025-07-01.md" in site.state.removed

    # change a topic's parent: both trees, the positions beneath, the topics index
    _edit(
        content / "topics/pahalgam-attack.yml",
        "parent: counter-terrorism",
        "parent: regional-security",
    )
    site.same_as_clean()

    # rename a topic: a position is named after its topic, and records name the position
    _edit(
        content / "topics/sco-qingdao-joint-communique.yml",
        "name: SCO Defence Ministers' joint communiqué, Qingdao 2025",
        "name: The Qingdao communiqué",
    )
    site.same_as_clean()
    assert "sco-defence-ministers-meeting-2025" in site.state.near.touched

    # the order of a mapping's keys: equal to pydantic, not to the pages and data files
    belousov = content / "actors/andrey-belousov.yml"
    _edit(belousov, "  ru: Андрей Белоусов\n", "  ru: Андрей Белоусов\n  uk: Андрій Білоусов\n")
    site.same_as_clean()
    _edit(
        belousov,
        "  ru: Андрей Белоусов\n  uk: Андрій Білоусов\n",
        "  uk: Андрій Білоусов\n  ru: Андрей Белоусов\n",
    )
    assert "actors/andrey-belousov.md" in site.same_as_clean()

    # rename a record, keeping its old id in former_ids
    old, new = content / "actors/viktor-khrenin.yml", content / "actors/viktor-khrenin-by.yml"
    old.rename(new)
    _rename_everywhere(content, "viktor-khrenin", "viktor-khrenin-by")
    new.write_text(new.read_text(encoding="utf-8") + "former_ids: [viktor-khrenin]\n", "utf-8")
    site.same_as_clean()
    assert "actors/viktor-khrenin.md" in site.state.removed

    # a commit changes a record's "last updated"
    site.updated = {**site.updated, "content/places/moscow.yml": "2025-07-02"}
    assert site.same_as_clean() == ["places/moscow.md"]

    # touch a template: everything again
    _edit(site.templates / "place.md.j2", "## Places here", "## Places within")
    assert len(site.same_as_clean()) == len(site.state.last.pages)

    # nothing changed: nothing rendered
    assert site.same_as_clean() == []


def test_an_invalid_edit_keeps_the_last_good_build_and_the_next_recovers(site: Site):
    site.same_as_clean()
    path = site.content / "meetings/tharoor-lavrov-meeting-2025-06.yml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("place: moscow", "place: atlantis"), encoding="utf-8")
    broken = site.build()
    (problem,) = [p for p in broken.problems if p.is_error]
    assert (problem.path.endswith(path.name), problem.code) == (True, "link.unresolved")
    assert not broken.pages
    path.write_text(good.replace("Sergei Lavrov", "S. Lavrov"), encoding="utf-8")
    assert "meetings/tharoor-lavrov-meeting-2025-06.md" in site.same_as_clean()


def test_synthetic_edits_build_as_a_clean_build_would(tmp_path: Path):
    content = tmp_path / "content"
    write_content(content, 300, seed=3)
    site = Site(tmp_path, content)
    total = len(site.same_as_clean())
    actors = sorted((content / "actors").glob("*.yml"))
    meetings = sorted((content / "meetings").glob("*.yml"))
    topics = sorted((content / "topics").glob("*.yml"))
    for n, path in enumerate(actors[:: max(1, len(actors) // 4)]):
        text = path.read_text(encoding="utf-8")
        name = next(line for line in text.splitlines() if line.startswith("name: "))
        _edit(path, name, name + f" {n}")
        assert len(site.same_as_clean()) < total
    for path in meetings[:2]:  # a meeting moves in every list that shows it
        text = path.read_text(encoding="utf-8")
        date = next(line for line in text.splitlines() if line.startswith("date: "))
        _edit(path, date, 'date: "1999"')
        site.same_as_clean()
    for path in [p for p in topics if "parent: " in p.read_text(encoding="utf-8")][:2]:
        text = path.read_text(encoding="utf-8")
        kept = [line for line in text.splitlines() if not line.startswith("parent: ")]
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")  # a new root
        site.same_as_clean()


def test_facts_json_made_of_pieces_is_json_dumps(tmp_path: Path):
    """data/facts.json is joined from one piece a record (kept across incremental builds): the
    text is exactly the standard library's indented dump of the whole."""
    content = tmp_path / "content"
    write_content(content, 200, seed=5)
    for folder in (ROOT / "content", content):
        facts = check(folder).facts
        rows = record_dicts(facts)
        assert to_json(facts) == json.dumps({"records": rows}, ensure_ascii=False, indent=2) + "\n"
    assert to_json(Facts({})) == json.dumps({"records": []}, indent=2) + "\n"


def test_pages_without_their_data_files_leave_no_stale_memo(tmp_path: Path):
    """A build that made its pages and never its data files (`pages_first`, not finished: a
    quick rebuild of `mkdocs serve` that stopped between the two) is followed by builds equal
    to clean ones: what the memos kept of the build before it (the feeds' entries, each
    record's documents) is not taken for the records it changed."""
    content = tmp_path / "content"
    write_content(content, 80, seed=5)
    commit_history(tmp_path, commits=3, per_commit=200, seed=5)  # every record in the feeds
    history = read_history(tmp_path, content)
    templates = ROOT / "templates"
    state = Incremental()
    kw = {"edit_url": EDIT_URL, "history": history}
    build(content, templates, state=state, **kw)
    first, second = sorted((content / "actors").glob("*.yml"))[:2]
    for path in (first, second):
        name = next(line for line in path.read_text().splitlines() if line.startswith("name: "))
        _edit(path, name, name + " Renamed")
        built = build(content, templates, state=state, pages_first=path == first, **kw)
        assert (built.pending is not None) == (path == first)
    clean = build(content, templates, **kw)
    assert built.pages == clean.pages
    stale = [path for path, data in clean.assets.items() if built.assets.get(path) != data]
    assert not stale and built.assets.keys() == clean.assets.keys(), stale[:5]
