"""'Cite this page': a citation of each record page as plain text, BibTeX and CSL-JSON.

Each names the site, the record, the page's permanent address (the online one, `<base
URL>/<type>/<id>/`, also when read in the offline bundle) and the version: the date the record's
file last changed in git. The base URL is MkDocs' `site_url`, else the plugin's `base_url`
option (`FACTSHEETS_BASE_URL`, set by the publishing workflow); without either the address is
the path from the site's root. The page shows the three as text and copyable code blocks, no script
needed. BibTeX and CSL-JSON are written here (a few fields each); the tests read them back with
bibtexparser and check the CSL-JSON against the CSL schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .dates import human_date, parse_date

_BIBTEX_SPECIAL = re.compile(r"[\\{}&%$#_^~]")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


@dataclass(frozen=True)
class Citation:
    url: str
    text: str
    bibtex: str
    csl: str


def bibtex_escape(text: str) -> str:
    """Plain text -> BibTeX field text that LaTeX prints as written."""
    text = " ".join(text.split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m.group(0), "\\" + m.group(0)), text)


def citation(type_: str, id_: str, name: str, *, site: Any, updated: str | None) -> Citation:
    """Cite one record page. `site` is a feeds.Publication (its `name`, and `url` when known);
    `updated` is the record's last-updated date (YYYY-MM-DD) or None."""
    name = " ".join(name.split())
    site_name = " ".join(site.name.split())
    url = f"{(site.url or '').rstrip('/')}/{type_}/{id_}/"
    version = f", version of {human_date(updated)}" if updated else ""
    text = f"“{name}”. {site_name}{version}. {url}"
    fields = [
        ("author", "{" + bibtex_escape(site_name) + "}"),
        ("title", "{" + bibtex_escape(name) + "}"),
        ("howpublished", bibtex_escape(site_name)),
        ("url", url.replace("{", "%7B").replace("}", "%7D")),
    ]
    if updated:
        fields += [("year", updated[:4]), ("date", updated), ("note", f"Version of {updated}")]
    width = max(len(key) for key, _ in fields)
    bibtex = (
        f"@misc{{{type_}:{id_},\n"
        + "".join(f"  {key.ljust(width)} = {{{value}}},\n" for key, value in fields)
        + "}"
    )
    item: dict = {
        "id": f"{type_}:{id_}",
        "type": "webpage",
        "title": name,
        "container-title": site_name,
        "author": [{"literal": site_name}],
        "URL": url,
    }
    if updated:
        day = parse_date(updated).first
        item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
        item["version"] = updated
    csl = json.dumps([item], ensure_ascii=False, indent=2)
    return Citation(url, text, bibtex, csl)
