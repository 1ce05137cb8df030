"""Read the search index files of a built site the way search.js does: each file is one call
`FactsheetsSearch.<kind>(<key>, "<JSON>")`, whose string argument goes through JSON.parse."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

CALL = re.compile(
    r'^FactsheetsSearch\.(manifest|shard|chunk)\(("(?:[^"\\]|\\.)*"|\d+),(".*")\);\n$', re.S
)


def read_call(data: bytes) -> tuple[str, Any, Any]:
    """(kind, key, payload) of one index file; fail if it is anything but that one call."""
    match = CALL.match(data.decode("utf-8"))
    assert match, f"not a FactsheetsSearch call: {data[:80]!r}"
    payload = json.loads(match.group(3))
    assert isinstance(payload, str), "the payload must be a JSON string for JSON.parse"
    return match.group(1), json.loads(match.group(2)), json.loads(payload)


def search_documents(site: Path) -> list[list]:
    """Every search document of a built site, in document-number order."""
    chunks = {}
    for path in (site / "search" / "d").glob("*.js"):
        kind, key, rows = read_call(path.read_bytes())
        assert kind == "chunk" and f"{key}.js" == path.name
        chunks[key] = rows
    return [row for key in sorted(chunks) for row in chunks[key]]
