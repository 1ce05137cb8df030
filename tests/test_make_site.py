"""`make site` builds beside site/ and swaps it in only on success: a failed strict build leaves
the previous site/ exactly as it was, with no half-written folder next to it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import VALID
from .sitebuild import BUILD_ENV, ROOT, prepare, tree_digest

VENV = Path(sys.executable).parent.parent


def make_site(workdir: Path) -> subprocess.CompletedProcess:
    stamp = VENV / ".installed"
    return subprocess.run(
        ["make", "--no-print-directory", "-o", str(stamp), f"VENV={VENV}", "site"],
        cwd=workdir,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path) -> None:
    workdir = prepare(tmp_path / "project", VALID)
    shutil.copy2(ROOT / "Makefile", workdir / "Makefile")
    first = make_site(workdir)
    assert first.returncode == 0, first.stderr
    site = workdir / "site"
    assert (site / "actors" / "rajnath-singh" / "index.html").is_file()
    before = tree_digest(site)

    # valid records, but a page MkDocs' strict link check rejects only after writing its output
    (workdir / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", "utf-8")
    topic = workdir / "content" / "topics" / "counter-terrorism.yml"  # the new site differs
    topic.write_text(topic.read_text("utf-8").replace("Counter-terrorism", "Anti-terror"), "utf-8")
    failed = make_site(workdir)
    assert failed.returncode != 0
    assert "missing.md" in failed.stdout + failed.stderr
    assert tree_digest(site) == before
    assert not (workdir / ".site.new").exists() and not (workdir / ".site.old").exists()


def test_invalid_content_leaves_the_previous_site(tmp_path: Path) -> None:
    workdir = prepare(tmp_path / "project", VALID)
    shutil.copy2(ROOT / "Makefile", workdir / "Makefile")
    assert make_site(workdir).returncode == 0
    before = tree_digest(workdir / "site")
    (workdir / "content" / "actors" / "india.yml").write_text("name: [unclosed\n", "utf-8")
    failed = make_site(workdir)
    assert failed.returncode != 0 and "yaml.syntax" in failed.stdout + failed.stderr
    assert tree_digest(workdir / "site") == before


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_a_second_make_site_links_what_is_unchanged_and_equals_a_clean_build(
    tmp_path: Path,
) -> None:
    workdir = prepare(tmp_path / "project", VALID)
    shutil.copy2(ROOT / "Makefile", workdir / "Makefile")
    assert make_site(workdir).returncode == 0
    site = workdir / "site"
    # the templates' compiled code, the theme's and ours, is kept for the next build
    compiled = lambda: {  # noqa: E731
        p.relative_to(workdir): p.stat().st_mtime_ns
        for p in (workdir / ".cache" / "factsheets" / "jinja").glob("*/*/*.cache")
    }
    kept = compiled()
    assert {p.parts[-2] for p in kept} == {"theme", "pages"}
    # another name for every file of the first site: if the second build wrote into a file it
    # hard-linked instead of replacing it, the first site's bytes would change under it
    subprocess.run(["cp", "-al", str(site), str(tmp_path / "alias")], check=True)
    first = tree_digest(site)
    actor = workdir / "content" / "actors" / "rajnath-singh.yml"
    actor.write_text(actor.read_text("utf-8").replace("Rajnath Singh", "R. Singh"), "utf-8")
    second = make_site(workdir)
    assert second.returncode == 0, second.stderr
    assert tree_digest(tmp_path / "alias") == first
    assert compiled() == kept  # loaded, not compiled and written again
    old, new = _inodes(tmp_path / "alias"), _inodes(site)
    linked = [name for name, inode in new.items() if old.get(name) == inode]
    changed = [name for name in new if first.get(name) != tree_digest_one(site / name)]
    assert len(linked) > len(new) / 2 and changed  # most files linked, the renamed ones written
    assert not set(linked) & set(changed)
    assert "R. Singh" in (site / "actors" / "rajnath-singh" / "index.html").read_text("utf-8")
    clean = subprocess.run(
        [str(VENV / "bin" / "mkdocs"), "build", "--strict", "-q", "-d", "clean"],
        cwd=workdir,
        env={**os.environ, **BUILD_ENV, "FACTSHEETS_CACHE": "off"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert clean.returncode == 0, clean.stderr
    assert tree_digest(site) == tree_digest(workdir / "clean")
    folders = lambda root: {p.relative_to(root) for p in root.rglob("*") if p.is_dir()}  # noqa: E731
    assert folders(site) == folders(workdir / "clean")


def tree_digest_one(path: Path) -> str:
    return tree_digest(path.parent)[path.name]
