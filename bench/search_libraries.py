"""Write the search documents of a content tree as JSON, for bench/search_libraries.mjs.

.venv/bin/python -m bench.search_libraries CONTENT OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator import pipeline, search


def main(argv: list[str]) -> int:
    content, out = Path(argv[0]), Path(argv[1])
    checked = pipeline.check(content)
    if not checked.ok:
        print(f"{content}: the content is invalid; run factsheet validate", file=sys.stderr)
        return 1
    docs = [
        {"id": n, "name": d.name, "names": " ".join(d.names), "text": " ".join(d.text + d.meta)}
        for n, d in enumerate(search.documents(checked.facts))
    ]
    out.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    files = search.build_index(checked.facts)
    print(f"{len(docs)} documents; ours: {len(files)} files, {sum(map(len, files.values()))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
