"""`make site` builds beside site/ and swaps it in only on success: a failed strict build leaves
the previous site/ exactly as it was, with no half-written folder next to it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import VALID
from .sitebuild import ROOT, prepare, tree_digest

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
