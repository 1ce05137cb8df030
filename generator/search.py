"""The search index, computed at build time from the linked facts; the browser only looks up.

Readers search from the header box (docs/assets/javascripts/search.js). That script never builds
an index: it loads, with ``<script>`` elements (the only way that also works from ``file://``,
where Chromium refuses fetch/XHR), the few small files a query needs:

* ``search/manifest.js`` — one letter a document for its type (the type filter), the list of term
  shards that exist, and the document chunk size;
* ``search/t/<key>.js`` — one shard per term prefix (the first two letters of a word; the first
  character of a Chinese or Japanese bigram): its sorted terms, their postings, and the whole
  names starting there;
* ``search/d/<n>.js`` — the documents ``n*CHUNK`` .. ``n*CHUNK+CHUNK-1``: type label, name, date,
  page, names and text for the snippet.

Each file is one call, ``FactsheetsSearch.<kind>(key, '<JSON>')``: the payload is a JSON *string*
handed to ``JSON.parse``, which parses several times faster than the same data as a JavaScript
object literal.

Words. ``fold`` lowers the case and drops the Latin/Greek/Cyrillic combining accents after NFKD
(``communiqué`` = ``communique``, ``й`` = ``и``); ``words`` splits on everything that is not a
letter, digit or mark (so Devanagari vowel signs stay inside their word); a run of Han or kana
characters, written without spaces, becomes its overlapping bigrams (``青岛国际`` -> ``青岛``,
``岛国``, ``国际``), so any two-character substring is found. The script does exactly the same
to the query (tests/browser/test_search.py checks that both agree on every name shipped).

Ranking (the reader's rules, issue 9): the documents are numbered in a fixed order — actors,
places, topics, the home and index pages, meetings, positions, sources; inside a type the most
referred-to first — and a posting says whether its term occurs in a name (name, title, native
name, alias) or only in the text. The script ranks by, in order: a query equal to a whole name;
every word in a name as a whole word; every word in a name (prefixes allowed); every word
somewhere (AND); then the sum of the words' match qualities, then the document number. A word of
five or more letters that matches nothing may match with one typo (Damerau–Levenshtein 1) among
the terms of its shard and of the shards of its first three letters transposed or shifted.

Why our own module. Measured with bench/search_libraries.mjs (documents from
bench/search_libraries.py, synthetic content of bench.synth, seed 0; Node 20's V8, the engine of
Chromium; medians of 5; a shared 2-core machine, load average about 10):

    records   MiniSearch 7.2.0 (MIT)   FlexSearch 0.8.212 (Apache-2.0)   this module (Chromium)
              whole index  loadJSON    whole index  import               loaded   first result
     1,000    0.31 MiB     51-89 ms    0.69 MiB     39-118 ms            101 KiB  153 / 73 ms
    10,000    3.31 MiB     1,308 ms    7.27 MiB     611 ms               145 KiB  143 / 96 ms

("loaded": search.js and the index files read before the first result for "Belousov"; "first
result": after the load event, online / from file://, bench/browser_bench.py --index-only,
median of 5 cold runs, load average 17. Material's lunr search, replaced by this: 1,822 / 1,976 ms
at 1,000 records, 5.0 / 4.0 s and a 14.4 MiB index at 10,000.)

Both libraries load a prebuilt index only as a whole — MiniSearch's ``loadJSON`` rebuilds its
radix tree from the entire serialised index, FlexSearch's ``import`` needs every exported key
before it answers — so the bytes before the first result are the whole index (3-7 times the
1 MiB budget at 10,000 records) and the load time grows with the records (2-4 times the 300 ms
budget before a single query). Neither can answer from one prefix shard. Here a query loads the
manifest, one shard a word and at most ``RESULTS`` document chunks, whatever the size of the
site: 10 times the records, 1.4 times the bytes, about the same time.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .dates import human_date
from .link import INLINE_LINK, Facts, record_name
from .model import TYPES
from .validate import TypedRecord
from .views import TYPE_TITLES, page_path

CHUNK = 64  # documents per chunk file: ten results load at most ten chunks of ~10-20 KiB
RESULTS = 10  # results shown at first (the script shows more on request)
FORMAT = 1  # bumped when the files' layout changes; the script refuses another

# One letter a document type (the manifest's type string; the script's type filter).
TYPE_LETTERS = {
    "actors": "a",
    "places": "l",
    "topics": "t",
    "pages": "h",
    "meetings": "m",
    "positions": "p",
    "sources": "s",
}
ORDER = tuple(TYPE_LETTERS)  # the documents' order: names readers look up most come first
NAME, TEXT = 1, 2  # posting flags: the term occurs in a name / in the text

_ACCENTS = re.compile("[\u0300-\u036f]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{_CJK}]+|[^{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_MD_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`~#>|]+")


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """Runs of letters, digits and marks (Unicode categories L, N, M), as the script's
    `/[\\p{L}\\p{N}\\p{M}]+/gu`. Python's `\\w` is letters and digits (and `_`) but no marks: it
    would cut Devanagari words at their vowel signs. So: `\\w` plus every mark (`words` turns `_`,
    the one `\\w` that is no letter or digit, into a space first)."""
    ranges: list[list[int]] = []
    for code in [*range(0x20000), *range(0xE0100, 0xE01F0)]:  # where marks are assigned
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[\\w{body}]+")


def fold(text: str) -> str:
    """Lower case, without the accents of Latin, Greek and Cyrillic letters."""
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    """The search terms of a text, in order: folded words; Chinese/Japanese runs as bigrams."""
    out: list[str] = []
    for word in _word_pattern().findall(fold(text).replace("_", " ")):
        for part in _CJK_RUN.findall(word):
            if _CJK_CHAR.match(part):
                if len(part) == 1:
                    out.append(part)
                else:
                    out.extend(part[i : i + 2] for i in range(len(part) - 1))
            else:
                out.append(part)
    return out


def shard_key(term: str) -> str:
    """The shard a term lives in: its first two characters; one for a Chinese/Japanese term."""
    return term[:1] if _CJK_CHAR.match(term) else term[:2]


def whole_name(text: str) -> str:
    """The key of a whole name: its terms joined by spaces (the script compares the query's)."""
    return " ".join(words(text))


def file_key(key: str) -> str:
    """A shard key as a file name: code points in hex ('be' -> '62-65'), safe on every disk."""
    return "-".join(f"{ord(c):x}" for c in key)


# ---------------------------------------------------------------------------------------------
# Documents


@dataclass
class Document:
    """One search result: a page, its names and its text."""

    type: str  # a key of TYPE_LETTERS
    label: str  # what the result says it is: person, state, meeting, position, …
    name: str  # the page's title
    page: str  # the Markdown page: 'actors/x.md', 'index.md', 'actors/index.md'
    date: str = ""  # '26 June 2025' for meetings and positions
    names: list[str] = field(default_factory=list)  # native names, aliases (besides `name`)
    text: list[str] = field(default_factory=list)  # summaries, statements, quotes… (plain text)
    meta: list[str] = field(default_factory=list)  # type, kind, country, dates: found, not shown
    weight: int = 0  # references to it: the more, the earlier among its type


def _plain(text: str, facts: Facts) -> str:
    """A Markdown field as the text a reader sees: [[id]] becomes the name, markup goes."""

    def name(match: re.Match) -> str:
        target = facts.records.get(match.group(1).strip())
        return record_name(target, facts) if target else match.group(1)

    text = INLINE_LINK.sub(name, text)
    return " ".join(_MD_MARKUP.sub(lambda m: m.group(1) or "", text).split())


def _record_document(record: TypedRecord, facts: Facts) -> Document:
    data: dict[str, Any] = record.data.__dict__  # a missing field through pydantic is slow
    get = data.get
    facts_name = functools.partial(_plain, facts=facts)
    label = {
        "actors": get("kind", ""),
        "places": "place",
        "meetings": "meeting",
        "positions": "position",
        "topics": "topic",
        "sources": "source",
    }[record.type]
    doc = Document(
        type=record.type,
        label=label,
        name=record_name(record, facts),
        page=page_path(record.type, record.id),
        weight=len({b.source for b in facts.backrefs.get(record.id, [])}),
    )
    doc.names += list(get("native_names", {}).values())
    doc.names += list(get("aliases", []))
    for name_field in ("summary", "statement", "reason", "note"):
        value = get(name_field)
        if value:
            doc.text.append(facts_name(value))
    doc.text += [facts_name(o) for o in get("outcomes", [])]
    for quote in get("quotes", []):
        doc.text.append(quote.text)
        if quote.translation:
            doc.text.append(quote.translation)
    doc.meta.append(label)
    doc.meta.append(record.type[:-1])
    kind = get("kind", None)
    if kind:
        doc.meta.append(kind)
    for ref_field in ("country", "place", "holder", "topic", "expressed_by"):
        target = facts.get(get(ref_field) or "")
        if target is not None:
            doc.meta.append(record_name(target, facts))
    for post in get("posts", []):
        doc.meta.append(post.title)
    if record.type == "sources":
        doc.meta += [get("publisher") or "", get("agency") or ""]
    date = get("date") or get("published")
    if record.type == "positions" and not date and get("expressed_at") in facts.records:
        date = facts.records[get("expressed_at")].data.date  # said at a meeting: its date
    if date:
        doc.meta += [date, human_date(date)]
        if record.type in ("meetings", "positions"):
            doc.date = human_date(date)
    return doc


def _terms(doc: Document) -> tuple[list[list[str]], list[str]]:
    """The words of a document's names (each name apart) and of its text and meta data."""
    names = [words(name) for name in [doc.name, *doc.names]]
    return names, [term for text in doc.text + doc.meta for term in words(text)]


def documents(facts: Facts) -> list[Document]:
    """Every record and the home and index pages, in the order that breaks ranking ties."""
    return [doc for doc, _ in _indexed(facts)]


def _indexed(facts: Facts, memo: Any = None) -> list[tuple[Document, Any]]:
    """documents(facts), each with its _terms. `memo` (incremental.Near): an incremental
    build's documents and words of the records its edit did not touch."""

    def entry(record: TypedRecord) -> tuple[Document, Any]:
        doc = _record_document(record, facts)
        return doc, _terms(doc)

    if memo is None:
        out = [entry(r) for r in facts.records.values()]
    else:
        out = [memo.get("search", r.id, lambda r=r: entry(r)) for r in facts.records.values()]
    pages = [Document("pages", "page", "Diplomacy fact sheets", "index.md", names=["Home"])]
    pages += [Document("pages", "index", TYPE_TITLES[t], f"{t}/index.md") for t in TYPES]
    out += [(doc, _terms(doc)) for doc in pages]
    out.sort(key=lambda e: (ORDER.index(e[0].type), -e[0].weight, fold(e[0].name), e[0].page))
    return out


# ---------------------------------------------------------------------------------------------
# The index


def _script(kind: str, key: str | int, payload: Any) -> bytes:
    """`FactsheetsSearch.kind(key, '<json>')`: a JSON string for JSON.parse, as a JS literal."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    literal = json.dumps(data, ensure_ascii=False)
    literal = literal.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"FactsheetsSearch.{kind}({json.dumps(key)},{literal});\n".encode()


def build_index(facts: Facts, memo: Any = None) -> dict[str, bytes]:
    """The search files of the site: {'search/manifest.js': …, 'search/t/62-65.js': …, …}.
    `memo` (incremental.Near): an incremental build's documents and words of untouched records."""
    indexed = _indexed(facts, memo)
    docs = [doc for doc, _ in indexed]
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    wholes: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for number, (_doc, (name_terms, text_terms)) in enumerate(indexed):
        for terms in name_terms:
            if not terms:
                continue
            key = " ".join(terms)
            whole = wholes[shard_key(terms[0])][key]
            if not whole or whole[-1] != number:
                whole.append(number)
            for term in terms:
                postings[term][number] = postings[term].get(number, 0) | NAME
        for term in text_terms:
            postings[term][number] = postings[term].get(number, 0) | TEXT

    shards: dict[str, dict[str, Any]] = defaultdict(lambda: {"t": [], "p": [], "w": {}})
    for term in sorted(postings):
        shard = shards[shard_key(term)]
        shard["t"].append(term)
        previous, encoded = 0, []
        for number in sorted(postings[term]):  # delta-coded, flags in the two low bits
            encoded.append((number - previous) * 4 + postings[term][number])
            previous = number
        shard["p"].append(encoded)
    for key, names in wholes.items():
        shards[key]["w"] = dict(sorted(names.items()))

    files: dict[str, bytes] = {}
    for key, shard in sorted(shards.items()):
        files[f"search/t/{file_key(key)}.js"] = _script("shard", key, shard)
    for start in range(0, len(docs), CHUNK):
        rows = [
            [TYPE_LETTERS[d.type], d.label, d.name, d.page, d.date, d.names, " · ".join(d.text)]
            for d in docs[start : start + CHUNK]
        ]
        files[f"search/d/{start // CHUNK}.js"] = _script("chunk", start // CHUNK, rows)
    manifest = {
        "format": FORMAT,
        "chunk": CHUNK,
        "results": RESULTS,
        "types": "".join(TYPE_LETTERS[d.type] for d in docs),
        "shards": sorted(shards),
    }
    files["search/manifest.js"] = _script("manifest", "manifest", manifest)
    return files
