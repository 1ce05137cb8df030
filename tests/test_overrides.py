"""Theme overrides stay copies of the installed Material's partials plus our stated change, so an
upgrade of Material that changes a partial fails here instead of silently reverting its fix."""

from __future__ import annotations

import re
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = Path(material.__file__).resolve().parent / "templates"
HEADER = re.compile(r"\A\{#-.*?-#\}\n", re.S)


def body(path: Path) -> str:
    return HEADER.sub("", path.read_text(encoding="utf-8"), count=1)


def test_search_partial_is_materials_with_a_named_dialog():
    ours = body(ROOT / "overrides" / "partials" / "search.html")
    theirs = body(MATERIAL / "partials" / "search.html")
    dialog = '<div class="md-search" data-md-component="search" role="dialog"'
    assert theirs.count(dialog + ">") == 1, "Material's search partial changed: copy it again"
    assert ours == theirs.replace(dialog + ">", dialog + " aria-label=\"{{ lang.t('search') }}\">")
