"""Linked facts -> static, accessible SVG pictures: who met whom, and timelines.

Pure functions of a page's view (`generator/views.py`: the records it read) and of a `url(id)`
function giving the link from that page to a record's page. The same facts give byte-identical
SVG: every list is sorted, numbers are written with one decimal, and the one force-directed layout
(networkx's spring layout, for the network of people) is seeded and runs on a bounded number of
nodes. No script, no style sheet, no external reference: colours and shapes are attributes, and
every picture has a <title> and a <desc>, its text equivalent (the table it summarises stays on
the page). Marks link to pages by relative `.md` paths (`url(id)`); MkDocs leaves raw HTML alone,
so the plugin rewrites those into the page's URLs. This module imports neither the views nor the
renderer: a view is anything with `records`, `data(id)`, `exists(id)` and `name(id)`.

For readers: a picture is a named, described group (`role="group"`, not `img`: an image's
children are hidden from screen readers and its links would be nested controls), each link a
keyboard stop. Each picture is drawn twice, wide (WIDTH, the site's content column) and narrow
(NARROW, a 390 px phone): labels above their bars, fewer ticks, names in a column; the stylesheet
shows one of the two by the screen's width, so no text is ever scaled below its drawn size on a
phone. The neutral colours (ink, paper, edge, grid, band) carry a class naming them
(`fs-fill-ink`), which the stylesheet maps to the colour scheme; the attribute stays the colour in
a standalone SVG and in print.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol

import networkx as nx
from markupsafe import Markup

from . import crowds
from .dates import SHORT_MONTHS, date_range, parse_date, short_day, sort_key
from .words import plural


class Shown(Protocol):
    """What a picture reads: the records of the page's view, and their names."""

    records: Mapping[str, Any]

    def data(self, id_: str) -> Any: ...

    def exists(self, id_: str | None) -> bool: ...

    def name(self, id_: str) -> str: ...


Url = Callable[[str], str]


def _names(text: str) -> set[str]:
    return set(text.split())


# Every element and attribute the pictures emit. The plugin's sanitiser allows exactly these, plus
# what it allows everywhere (`class`, `id`, `role`) and `a` with `href`.
SVG_ATTRIBUTES: dict[str, set[str]] = {
    "svg": _names(
        "xmlns viewBox width height aria-labelledby aria-describedby font-family font-size"
    ),
    "title": set(),
    "desc": set(),
    "g": set(),
    "line": _names("x1 y1 x2 y2 stroke stroke-width stroke-opacity stroke-linecap"),
    "circle": _names("cx cy r fill stroke stroke-width"),
    "rect": _names("x y width height rx fill fill-opacity stroke stroke-width stroke-dasharray"),
    "polygon": _names("points fill stroke stroke-width"),
    "text": _names("x y text-anchor font-size font-weight fill stroke stroke-width paint-order"),
}
SVG_NS = "http://www.w3.org/2000/svg"

# Okabe & Ito's palette, safe for colour-blind readers; each kind has its own shape too, so the
# pictures also read in greyscale print.
KINDS = {  # kind -> (fill, shape)
    "person": ("#0072B2", "circle"),  # blue
    "organisation": ("#E69F00", "square"),  # orange
    "state": ("#009E73", "diamond"),  # bluish green
}
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
MEETING = "#0072B2"  # blue
POSITION = "#D55E00"  # vermillion
INK = "#1a1a1a"
MUTED = "#555555"
PAPER = "#ffffff"
EDGE = "#6f6f6f"
GRID = "#d9d9d9"
BAND = "#eeeeee"
THEMED = {INK: "ink", MUTED: "muted", PAPER: "paper", EDGE: "edge", GRID: "grid", BAND: "band"}
WIDTH = 680.0  # the content column of a desktop screen (688 CSS px): drawn at its own size
NARROW = 340.0  # a 390 px phone's column (358 CSS px)

EGO_LIMIT = 40  # counterparts around an actor (those with the most meetings)
EGO_RING = 16  # up to this many on a ring around the actor; more in a column
NETWORK_LIMIT = 60  # people in the network (the most connected)
NETWORK_LABELS = 25  # of those, how many are named (all have a tooltip and a link)
NETWORK_MAX = 400  # hard cap: networkx lays out fewer than 500 nodes with numpy alone, O(n²)
TIMELINE_LIMIT = 60  # rows on an actor's or a topic's timeline (the latest)
SEED = 20250626  # the spring layout's seed: same facts, same picture
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Picture:
    """An <svg> element and its caption, both ready for a raw HTML block (no blank line); and the
    same picture drawn for a phone's width (the stylesheet shows one of the two).

    All three are finished markup, marked so (`Markup`): the templates print them as they are."""

    svg: str
    caption: str  # escaped HTML text
    narrow: str = ""

    def __post_init__(self) -> None:
        for name in ("svg", "caption", "narrow"):
            object.__setattr__(self, name, Markup(getattr(self, name)))


# ---------------------------------------------------------------------------------------------
# Writing SVG

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    """Any text -> one line of escaped XML text (a name may hold any character)."""
    return _escaped(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    # remembered: a picture's attributes repeat the same few values (classes, anchors, fonts):
    # 1.26 million calls at 10,000 records, 0.55 -> 0.17 us each. Few: 65,536 (every name of
    # the site) held 30 MB more at the build's peak of memory.
    return html.escape(" ".join(_XML_INVALID.sub("", text).split()), quote=True)


def _num(value: float) -> str:
    """A number, always written the same way: one decimal at most, never '-0'."""
    text = f"{float(value):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _attrs(**attrs: Any) -> str:
    """Attributes in the order given: `stroke_width=1` is `stroke-width="1"`, `class_` `class`."""
    out = ""
    for key, value in attrs.items():
        if value is not None:
            text = _num(value) if isinstance(value, (int, float)) else _text(value)
            out += f' {key.rstrip("_").replace("_", "-")}="{text}"'
    return out


def _tag(name: str, *children: str, **attrs: Any) -> str:
    themed = [f"fs-{p}-{THEMED[attrs[p]]}" for p in ("fill", "stroke") if attrs.get(p) in THEMED]
    if themed:
        attrs["class_"] = " ".join([*filter(None, [attrs.get("class_")]), *themed])
    if not children:
        return f"<{name}{_attrs(**attrs)}/>"
    return f"<{name}{_attrs(**attrs)}>{''.join(children)}</{name}>"


def _link(href: str, tooltip: str, *children: str) -> str:
    return _tag("a", f"<title>{_text(tooltip)}</title>", *children, href=href)


def _svg(
    key: str, height: float, title: str, desc: str, parts: list[str], width: float = WIDTH
) -> str:
    """The root: a group named by its <title>, described by its <desc>; one element a line.

    The narrow drawing's ids differ from the wide one's: both are on the page."""
    variant = "wide" if width == WIDTH else "narrow"
    ids = key if variant == "wide" else f"{key}-narrow"
    head = (
        "<svg"
        + _attrs(
            xmlns=SVG_NS,
            viewBox=f"0 0 {_num(width)} {_num(height)}",
            width=width,
            height=height,
            role="group",
            aria_labelledby=f"{ids}-title",
            aria_describedby=f"{ids}-desc",
            class_=f"fs-svg fs-{variant} {key}",
            font_family="sans-serif",
            font_size=12,
        )
        + ">"
    )
    lines = [
        head,
        f'<title id="{ids}-title">{_text(title)}</title>',
        f'<desc id="{ids}-desc">{_text(desc)}</desc>',
    ]
    return "\n".join(lines + [p for p in parts if p] + ["</svg>"])


def _clip(text: str, chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def _label(x: float, y: float, text: str, anchor: str = "start", **attrs: Any) -> str:
    """Text with a white halo, readable over lines."""
    return _tag(
        "text",
        _text(text),
        x=x,
        y=y,
        text_anchor=anchor,
        fill=INK,
        stroke=PAPER,
        stroke_width=3,
        paint_order="stroke",
        **attrs,
    )


def _plain(x: float, y: float, text: str, **attrs: Any) -> str:
    return _tag("text", _text(text), **{"x": x, "y": y, "fill": INK, **attrs})


def _shape(kind: str, x: float, y: float, r: float, stroke_width: float = 1) -> str:
    """A node: a circle for a person, a square for an organisation, a diamond for a state."""
    fill, shape = KINDS.get(kind, KINDS["organisation"])
    style = {"fill": fill, "stroke": INK, "stroke_width": stroke_width}
    if shape == "circle":
        return _tag("circle", cx=x, cy=y, r=r, **style)
    if shape == "square":
        side = r * 1.7
        return _tag("rect", x=x - side / 2, y=y - side / 2, width=side, height=side, **style)
    d = r * 1.3
    corners = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
    return _tag("polygon", points=" ".join(f"{_num(a)},{_num(b)}" for a, b in corners), **style)


def _kind_legend(kinds: list[str], note: str, width: float = WIDTH) -> tuple[str, float]:
    """The shapes of the kinds drawn, and a note; on a second line when it does not fit. The
    legend and where the drawing below it may start."""
    parts, x, y = [], 8.0, 20.0
    for kind in kinds:
        parts += [_shape(kind, x + 6, 16, 5), _plain(x + 16, 20, kind)]
        x += 22 + 6.4 * len(kind)
    if x + 6.4 * len(note) > width - 4:
        x, y = 8.0, 38.0
    parts.append(_plain(x, y, note))
    return _tag("g", *parts, class_="fs-legend"), y + 14


def _kind(view: Shown, actor_id: str) -> str:
    return getattr(view.data(actor_id), "kind", "organisation")


def _meeting_list(view: Shown, meeting_ids: list[str], limit: int = 8) -> str:
    items = []
    for mid in meeting_ids[:limit]:
        data = view.data(mid)
        items.append(f"{view.name(mid)} ({date_range(data.date, data.end_date)})")
    if len(meeting_ids) > limit:
        items.append(f"and {len(meeting_ids) - limit} more")
    return "; ".join(items)


# ---------------------------------------------------------------------------------------------
# Who met whom: one actor and the counterparts met


def who_met_whom(view: Any, url: Url, limit: int = EGO_LIMIT) -> Picture | None:
    """The actor at the centre, the counterparts met around it, grouped by kind.

    A line is wider for more meetings and its tooltip names them; nodes and lines link to the
    counterpart's page. Past `limit` counterparts, those with the most meetings. `view` is the
    actor's view: its `record_id` and `counterparts`.
    """
    actor_id = view.record_id
    met = view.counterparts  # most meetings first, then by id
    if not met:
        return None
    name = {other: view.name(other) for other, _ in met[:limit]}
    shown = sorted(
        met[:limit],
        key=lambda m: (
            KIND_ORDER.get(_kind(view, m[0]), 9),
            -len(m[1]),
            name[m[0]].casefold(),
            m[0],
        ),
    )
    centre, centre_kind = view.name(actor_id), _kind(view, actor_id)
    n = len(shown)
    kinds_shown = [_kind(view, other) for other, _ in shown]
    kinds = sorted(set(kinds_shown) | {centre_kind}, key=KIND_ORDER.get)
    most = max(len(m) for _, m in shown)
    desc = [f"{name[o]} ({_kind(view, o)}, {plural(len(m), 'meeting')})" for o, m in shown]
    more = ""
    if len(met) > n:
        more = f" Showing the {n} with the most meetings of {len(met)}; the table lists them all."
    description = (
        f"{centre} ({centre_kind}) at the centre, linked to the "
        f"{plural(len(met), 'counterpart')} met in recorded meetings"
        f"{f' (the {n} with the most meetings drawn)' if more else ''}: {'; '.join(desc)}."
    )

    def draw(width: float) -> str:
        legend, top = _kind_legend(kinds, "· thicker line: more meetings", width)
        (cx, cy), places, height, (clx, cly, canchor), chars = _ego_places(kinds_shown, width, top)
        edges, nodes = [], []
        for (other, meeting_ids), (x, y, lx, ly, anchor) in zip(shown, places, strict=True):
            count, kind, href = len(meeting_ids), _kind(view, other), url(other)
            meetings = f"{plural(count, 'meeting')}: {_meeting_list(view, meeting_ids)}"
            stroke = 1.5 + (6.5 * (count - 1) / (most - 1) if most > 1 else 0)
            line = {"x1": cx, "y1": cy, "x2": x, "y2": y}
            edges.append(
                _link(
                    href,
                    f"{centre} – {name[other]}: {meetings}",
                    _tag("line", **line, stroke=EDGE, stroke_width=stroke, stroke_linecap="round"),
                    _tag("line", **line, stroke=PAPER, stroke_width=12, stroke_opacity=0),  # hit
                )
            )
            nodes.append(
                _link(
                    href,
                    f"{name[other]} ({kind}): {plural(count, 'meeting')} with {centre}",
                    _shape(kind, x, y, 8),
                    _label(lx, ly, _clip(name[other], chars), anchor),
                )
            )
        nodes.append(
            _link(
                url(actor_id),
                f"{centre} ({centre_kind})",
                _shape(centre_kind, cx, cy, 13, 2.5),
                _label(clx, cly, _clip(centre, 40), canchor, font_weight="bold"),
            )
        )
        return _svg(
            "fs-graph",
            height,
            f"Who {centre} met",
            description,
            [legend, _tag("g", *edges, class_="fs-edges"), _tag("g", *nodes, class_="fs-nodes")],
            width,
        )

    caption = (
        f"Who {centre} met: the counterparts in recorded meetings, grouped by kind. A thicker "
        f"line means more meetings; point at a line for the meetings, follow a name or a line to "
        f"its page.{more}"
    )
    return Picture(draw(WIDTH), _text(caption), draw(NARROW))


def _ego_places(
    kinds: list[str], width: float, top: float
) -> tuple[tuple[float, float], list[tuple], float, tuple[float, float, str], int]:
    """Where the centre, each counterpart (x, y, label x, label y, anchor) go; the height; where
    the centre's name goes; how many characters a counterpart's name may have.

    Up to EGO_RING counterparts sit on an ellipse around the centre, names pointing outwards;
    more sit in a column, one name a row, a little gap between kinds, the centre to the left.
    The narrow drawing always uses the column, the centre above it with its name beside it.
    """
    n = len(kinds)
    if width >= WIDTH and n <= EGO_RING:
        # the longest name (24 characters, 6.6 px each) still fits beside the widest ring
        rx, ry = min(150.0 + 6 * n, width / 2 - 12 - 24 * 6.6 - 4), 110.0 + 4 * n
        cx, cy = width / 2, top + ry + 50
        places = []
        for i in range(n):
            angle = -math.pi / 2 + 2 * math.pi * i / n
            dx, dy = math.cos(angle), math.sin(angle)
            x, y = cx + rx * dx, cy + ry * dy
            anchor = "start" if dx > 0.25 else "end" if dx < -0.25 else "middle"
            ly = y + 12 * dy + (12 if dy > 0.5 else -2 if dy < -0.5 else 4)
            places.append((x, y, x + 12 * dx, ly, anchor))
        return (cx, cy), places, cy + ry + 50, (cx, cy + 30, "middle"), 24
    if width >= WIDTH:
        column, centre_x, y0 = width - 260.0, width - 510.0, top + 16
    else:
        column, centre_x, y0 = 96.0, 24.0, top + 56
    places, y = [], y0
    for i, kind in enumerate(kinds):
        if i and kind != kinds[i - 1]:
            y += 10
        places.append((column, y, column + 12, y + 4, "start"))
        y += 20
    chars = int((width - column - 16) / 6.6)
    if width >= WIDTH:
        centre = (centre_x, (y0 + y - 20) / 2)
        return centre, places, y + 20, (centre[0], centre[1] + 30, "middle"), chars
    centre = (centre_x, top + 22)
    return centre, places, y + 20, (centre_x + 20, top + 26, "start"), chars


# ---------------------------------------------------------------------------------------------
# Who met whom: the network of people


def _of_type(records: Mapping[str, Any], type_: str) -> list[Any]:
    return sorted((r for r in records.values() if r and r.type == type_), key=lambda r: r.id)


def people_graph(records: Mapping[str, Any]) -> nx.Graph:
    """People linked when they attended the same meeting; an edge holds those meetings, in order."""
    people = {r.id for r in _of_type(records, "actors") if getattr(r.data, "kind", "") == "person"}
    together: dict[tuple[str, str], list[str]] = defaultdict(list)
    meetings = _of_type(records, "meetings")
    for meeting in sorted(meetings, key=lambda r: (sort_key(r.data.date), r.id)):
        attendees = sorted({p.actor for p in meeting.data.participants if p.actor in people})
        pairs: Any = combinations(attendees, 2)
        if crowds.is_large(meeting.data):  # each attendee with the principals, not with everyone
            heads = [h for h in crowds.principals(meeting.data) if h in people]
            pairs = sorted(
                {tuple(sorted((a, h))) for a in attendees for h in crowds.named_with(heads, a)}
            )
        for pair in pairs:
            together[pair].append(meeting.id)
    graph = nx.Graph()
    graph.add_nodes_from(sorted({person for pair in together for person in pair}))
    for (a, b), meeting_ids in sorted(together.items()):
        graph.add_edge(a, b, weight=len(meeting_ids), meetings=meeting_ids)
    return graph


def most_connected(graph: nx.Graph, limit: int) -> list[str]:
    """The `limit` nodes with the most neighbours (then the most meetings, then by id)."""
    strength = dict(graph.degree(weight="weight"))
    return sorted(graph.nodes, key=lambda n: (-graph.degree(n), -strength[n], n))[:limit]


def _layout(component: list[str], graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A connected component laid out in [-1, 1]² (each axis stretched on its own)."""
    if len(component) == 1:
        return {component[0]: (0.0, 0.0)}
    if len(component) == 2:
        return {component[0]: (-1.0, 0.0), component[1]: (1.0, 0.0)}
    sub = nx.Graph()  # built in sorted order: the layout depends on the node order
    sub.add_nodes_from(component)
    pairs = sorted(tuple(sorted(edge)) for edge in graph.subgraph(component).edges)
    sub.add_edges_from((a, b, graph.edges[a, b]) for a, b in pairs)
    positions = nx.spring_layout(sub, seed=SEED, iterations=100, method="force")
    out = {}
    spans = [
        (min(p[i] for p in positions.values()), max(p[i] for p in positions.values()))
        for i in (0, 1)
    ]
    for node in component:
        out[node] = tuple(
            2 * (float(positions[node][i]) - lo) / (hi - lo) - 1 if hi > lo else 0.0
            for i, (lo, hi) in enumerate(spans)
        )
    return out


def _pack_components(
    graph: nx.Graph,
) -> list[tuple[list[str], dict[str, tuple[float, float]]]]:
    """Lay out each connected component on its own, largest first (see `_shelve`).

    A force-directed layout of a disconnected graph pushes the components apart and squeezes
    each into a corner; laid out one by one, each gets room in proportion to its size.
    """
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    return [(component, _layout(component, graph)) for component in components]


def _shelve(
    layouts: list[tuple[list[str], dict[str, tuple[float, float]]]], width: float, top: float
) -> tuple[Any, float]:
    """Shelve the laid-out components in rows across `width`; where each node is, the height."""
    pad_y, unit = 22.0, 70.0
    pad_x = 70.0 if width >= WIDTH else 40.0  # room for names left and right of a cell
    place: dict[str, tuple[float, float]] = {}
    x, y, row = 8.0, top, 0.0
    for component, layout in layouts:
        size = math.sqrt(len(component))
        inner_w = min(width - 16 - 2 * pad_x, unit * size * 1.4)
        inner_h = min(560.0, unit * size)
        if x + inner_w + 2 * pad_x > width - 8 and x > 8:  # next row
            x, y, row = 8.0, y + row, 0.0
        for node, (px, py) in layout.items():
            place[node] = (x + pad_x + (px + 1) / 2 * inner_w, y + pad_y + (py + 1) / 2 * inner_h)
        x += inner_w + 2 * pad_x
        row = max(row, inner_h + 2 * pad_y)
    return place.__getitem__, y + row + 8


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def people_network(view: Shown, url: Url, limit: int = NETWORK_LIMIT) -> Picture | None:
    """Every person linked to the people they met; past `limit` people, the most connected.

    `view` holds every meeting and actor (the meetings index's view)."""
    full = people_graph(view.records)
    if full.number_of_nodes() == 0:
        return None
    ranked = most_connected(full, max(2, min(limit, NETWORK_MAX)))
    rank = {node: n for n, node in enumerate(ranked)}
    graph = nx.Graph()  # built afresh in sorted order: the layout depends on the node order
    graph.add_nodes_from(sorted(ranked))
    graph.add_edges_from(
        sorted((a, b, d) for a, b, d in full.edges(ranked, data=True) if b in rank)
    )
    layouts = _pack_components(graph)
    n = len(graph)
    degree = dict(full.degree())
    most = max(degree[node] for node in ranked)
    heaviest = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1)
    name = {node: view.name(node) for node in ranked}
    radius = {node: 4 + 7 * math.sqrt(degree[node] / most) for node in ranked}

    people = full.number_of_nodes()
    if people > len(ranked):
        scope = (
            f"the {len(ranked)} most connected of {people:,} people (by the number of people met); "
            f"the others are on their own pages"
        )
    else:
        scope = (
            f"all {plural(people, 'person', 'people')} who met another person in a recorded meeting"
        )
    desc = "; ".join(f"{name[v]} met {plural(degree[v], 'person', 'people')}" for v in ranked)

    def draw(width: float) -> tuple[str, int]:
        """The drawing at `width`, and how many people it names."""
        legend, top = _kind_legend(
            ["person"], "· linked: at the same meeting · thicker line: more meetings", width
        )
        at, height = _shelve(layouts, width, top)
        edges = []
        for a, b in sorted(tuple(sorted(edge)) for edge in graph.edges):
            meetings = graph.edges[a, b]["meetings"]
            (x1, y1), (x2, y2) = at(a), at(b)
            # one meeting: its page; several: the Counterparts table on the first person's page
            href = url(meetings[0]) if len(meetings) == 1 else url(a) + "#counterparts"
            tooltip = f"{name[a]} – {name[b]}: {plural(len(meetings), 'meeting')}: "
            stroke = 1 + (5 * (len(meetings) - 1) / (heaviest - 1) if heaviest > 1 else 0)
            ends = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
            line = _tag("line", **ends, stroke=EDGE, stroke_width=stroke, stroke_opacity=0.7)
            edges.append(_link(href, tooltip + _meeting_list(view, meetings), line))
        nodes = []
        for node in sorted(ranked, key=lambda v: (-rank[v], v)):  # the most connected on top
            tooltip = f"{name[node]}: met {plural(degree[node], 'person', 'people')}"
            nodes.append(_link(url(node), tooltip, _shape("person", *at(node), radius[node])))
        labels, boxes = [], []
        for node in ranked[:NETWORK_LABELS]:  # names where there is room, the most connected first
            (x, y), r, text = at(node), radius[node], _clip(name[node], 22)
            out, w = (
                (1 if x >= width / 2 else -1),
                6.6 * len(text) + 4,
            )  # away from the middle first
            for lx, ly, anchor in (
                (x + out * (r + 3), y + 4, "start" if out > 0 else "end"),
                (x - out * (r + 3), y + 4, "end" if out > 0 else "start"),
                (x, y - r - 4, "middle"),
                (x, y + r + 13, "middle"),
            ):
                left = {"start": lx, "end": lx - w, "middle": lx - w / 2}[anchor]
                box = (left, ly - 11, left + w, ly + 3)
                if box[0] >= 0 and box[2] <= width and not any(_overlap(box, b) for b in boxes):
                    boxes.append(box)
                    tooltip = f"{name[node]}: met {plural(degree[node], 'person', 'people')}"
                    labels.append(_link(url(node), tooltip, _label(lx, ly, text, anchor)))
                    break
        svg = _svg(
            "fs-network",
            height,
            "Who met whom: people",
            f"A network of {scope}. Two people are linked when they attended the same meeting. "
            f"{desc}.",
            [
                legend,
                _tag("g", *edges, class_="fs-edges"),
                _tag("g", *nodes, class_="fs-nodes"),
                _tag("g", *labels, class_="fs-labels"),
            ],
            width,
        )
        return svg, len(labels)

    (svg, named_count), (narrow, _) = draw(WIDTH), draw(NARROW)
    named = ""
    if named_count < n:
        named = f"; names shown for {named_count} of the most connected, where there is room"
    caption = (
        f"Who met whom: {scope}{named}. A larger dot has met more people, a thicker line means "
        f"more meetings together; point at a dot or a line for details, follow it to its page."
    )
    return Picture(svg, _text(caption), narrow)


# ---------------------------------------------------------------------------------------------
# Timelines: meetings and positions along a time axis


@dataclass(frozen=True)
class _Row:
    id: str
    what: str  # "meeting" or "position"
    first: dt.date
    end: dt.date  # the day after the last day: the span is [first, end)
    exact: bool  # every date of the record known to the day
    depth: int
    context: bool  # a meeting drawn only to group what happened at it or on its sidelines


def _span(start: str, finish: str | None) -> tuple[dt.date, dt.date, bool]:
    """The days a record covers, as precise as its dates: '2025-06' is all of June."""
    a = parse_date(start)
    b = parse_date(finish) if finish else a
    return a.first, max(a.last, b.last) + ONE_DAY, a.precision == b.precision == "day"


def _timeline_groups(
    view: Shown, meeting_ids: list[str], position_ids: list[str]
) -> tuple[list[list[_Row]], int]:
    """Rows grouped under top-level meetings, in date order; and how many positions are undated."""
    chosen = set(meeting_ids)
    context: set[str] = set()
    # a dated position is grouped with the meeting it was stated at
    stated_at = {view.data(p).expressed_at for p in position_ids if view.data(p).date}
    context.update(m for m in stated_at if view.exists(m) and m not in chosen)
    for mid in sorted(chosen | context):  # the larger meetings these happened on the sidelines of
        parent, seen = view.data(mid).part_of, set()
        while parent and view.exists(parent) and parent not in seen:
            seen.add(parent)
            if parent not in chosen:
                context.add(parent)
            parent = view.data(parent).part_of
    meetings = chosen | context
    children: dict[str | None, list[tuple]] = defaultdict(list)
    for mid in meetings:
        data = view.data(mid)
        first, end, exact = _span(data.date, data.end_date)
        parent = data.part_of if data.part_of in meetings else None
        children[parent].append((first, end, 0, mid, "meeting", exact))
    undated = 0
    for pid in dict.fromkeys(position_ids):
        data = view.data(pid)
        if not data.date:
            undated += 1
            continue
        first, end, exact = _span(data.date, None)
        parent = data.expressed_at if data.expressed_at in meetings else None
        children[parent].append((first, end, 1, pid, "position", exact))

    seen: set[str] = set()

    def walk(item: tuple, depth: int, out: list[_Row]) -> None:
        first, end, _, id_, what, exact = item
        if id_ in seen:  # a part_of cycle is an error the link stage reports; never loop on it
            return
        seen.add(id_)
        out.append(_Row(id_, what, first, end, exact, depth, id_ in context))
        for child in sorted(children.get(id_, [])) if what == "meeting" else []:
            walk(child, depth + 1, out)

    groups: list[list[_Row]] = []
    for root in sorted(children.get(None, [])):
        group: list[_Row] = []
        walk(root, 0, group)
        if group:
            groups.append(group)
    return groups, undated


def _time_ticks(start: dt.date, end: dt.date, px_per_day: float) -> list[tuple[dt.date, str, str]]:
    """Axis ticks (date, label, second line) about 46 px apart or more.

    Days are labelled '25' with 'Jun 2025' beneath at the first tick and each new month; months
    'Jun' with the year beneath at the first tick and each January; years '2025'.
    """
    gap = 46
    if px_per_day * 15 >= gap:  # a few months at most: walk the days
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        if px_per_day >= gap:
            picked = days
        elif px_per_day * 2 >= gap:
            picked = [d for d in days if d.toordinal() % 2 == 0]
        elif px_per_day * 7 >= gap:
            picked = [d for d in days if d.weekday() == 0]
        else:
            picked = [d for d in days if d.day in (1, 16)]
        out, month = [], None
        for d in picked:
            new = (d.year, d.month) != month
            out.append((d, str(d.day), f"{SHORT_MONTHS[d.month - 1]} {d.year}" if new else ""))
            month = (d.year, d.month)
        return out
    step = next((m for m in (1, 2, 3, 6) if px_per_day * 30.44 * m >= gap), None)
    if step is not None:  # walk the months
        months = range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
        firsts = [dt.date(m // 12, m % 12 + 1, 1) for m in months]
        picked = [d for d in firsts if start <= d <= end and (d.month - 1) % step == 0]
        return [
            (d, SHORT_MONTHS[d.month - 1], str(d.year) if n == 0 or d.month == 1 else "")
            for n, d in enumerate(picked)
        ]
    steps = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000)
    step = next((s for s in steps if px_per_day * 365.25 * s >= gap), steps[-1])
    years = [dt.date(y, 1, 1) for y in range(start.year, end.year + 1)]  # walk the years
    return [(d, str(d.year), "") for d in years if start <= d <= end and d.year % step == 0]


def _bar(what: str, x: float, y: float, w: float, exact: bool, context: bool) -> str:
    """A span: a meeting square-cornered, a position rounded; pale and dashed when imprecise."""
    fill = POSITION if what == "position" else MEETING
    shape = {"x": x, "y": y, "width": w, "height": 12, "rx": 6 if what == "position" else 1}
    if context:
        return _tag("rect", **shape, fill=PAPER, stroke=fill, stroke_width=1.5)
    if exact:
        return _tag("rect", **shape, fill=fill, stroke=INK, stroke_width=0.5)
    return _tag(
        "rect",
        **shape,
        fill=fill,
        fill_opacity=0.3,
        stroke=fill,
        stroke_width=1.5,
        stroke_dasharray="4 2",
    )


def timeline(
    view: Shown,
    url: Url,
    meeting_ids: list[str],
    position_ids: list[str],
    subject: str,
    limit: int = TIMELINE_LIMIT,
) -> Picture | None:
    """Meetings and positions as spans on a time axis, side meetings grouped under their meeting.

    A date known to the day is a solid span of its days; one known only to the month or the year
    is a pale dashed span across that month or year. A position stated at a meeting on the
    picture is grouped with that meeting. Past `limit` rows, the latest whole groups.
    """
    groups, undated = _timeline_groups(view, meeting_ids, position_ids)
    if not groups:
        return None
    total = sum(len(g) for g in groups)
    kept: list[list[_Row]] = []
    for group in reversed(groups):
        if sum(len(g) for g in kept) + len(group) > limit:
            kept = kept or [group[:limit]]
            break
        kept.insert(0, group)
    rows = [row for group in kept for row in group]
    start, end = min(r.first for r in rows), max(r.end for r in rows)
    span = (end - start).days
    pad = max(1, round(span * 0.03), (7 - span + 1) // 2)  # at least a week across
    start, end = start - dt.timedelta(days=pad), end + dt.timedelta(days=pad)

    # what each row says, in the picture's tooltips and its description
    said = []
    for row in rows:
        data: Any = view.data(row.id)
        name = view.name(row.id)
        when = date_range(data.date, getattr(data, "end_date", None))
        if row.what == "meeting":
            what = f"{data.kind} meeting" + (", shown for context" if row.context else "")
            if view.exists(data.part_of):
                what += f", on the sidelines of {view.name(data.part_of)}"
        else:
            what = "position"
            if view.exists(data.expressed_at):
                what += f", stated at {view.name(data.expressed_at)}"
        said.append((name, when, what))
    # legend: only what the picture shows
    shown = {(r.what, r.exact, r.context) for r in rows}
    entries = [
        (
            "meeting",
            True,
            False,
            "meeting",
            any(w == "meeting" and e and not c for w, e, c in shown),
        ),
        ("position", True, False, "position", any(w == "position" for w, _, _ in shown)),
        (
            "meeting",
            False,
            False,
            "date known to the month or year: drawn across it",
            any(not e and not c for _, e, c in shown),
        ),
        ("meeting", True, True, "meeting shown for context", any(c for _, _, c in shown)),
    ]

    def draw(width: float) -> str:
        """Wide: a name column left of the axis. Narrow: each name above its span."""
        wide = width >= WIDTH
        legend, lx, ly = [], 8.0, 10.0
        for what, exact, context, text, present in entries:
            if present:
                if lx > 8 and lx + 28 + 6.4 * len(text) > width - 4:  # next line
                    lx, ly = 8.0, ly + 18
                legend += [_bar(what, lx, ly, 22, exact, context), _plain(lx + 28, ly + 10, text)]
                lx += 40 + 6.4 * len(text)
        top = ly + 60
        label_w, row_h = (width - 420, 22.0) if wide else (width, 34.0)
        x0, x1 = (label_w + 16, width - 16) if wide else (8.0, width - 16)
        height = top + row_h * len(rows) + 12
        px_per_day = (x1 - x0) / (end - start).days

        def x(day: dt.date) -> float:
            return x0 + (day - start).days * px_per_day

        # axis: a gridline and a label for each tick
        ticks = []
        for day, label, second in _time_ticks(start, end, px_per_day):
            tx = x(day)
            if x0 - 0.05 <= tx <= x1 + 0.05:
                # labels right of their line; left of it near the right edge
                right = tx + 3 + 6.2 * max(len(label), len(second)) <= width - 2
                where = {"x": tx + 3} if right else {"x": tx - 3, "text_anchor": "end"}
                items = [
                    _tag(
                        "line",
                        x1=tx,
                        y1=top - 10,
                        x2=tx,
                        y2=height - 8,
                        stroke=GRID,
                        stroke_width=1,
                    ),
                    _plain(y=top - 28, text=label, font_size=11, **where),
                ]
                if second:
                    items.append(_plain(y=top - 14, text=second, font_size=11, **where))
                ticks.append(_tag("g", *items, class_="fs-tick"))
        # groups: a grey band across their rows, the larger meeting's span carried down through them
        bands, index = [], 0
        for group in kept:
            if len(group) > 1:
                y0, y1 = top + index * row_h + 1, top + (index + len(group)) * row_h - 1
                hx0, hx1 = x(group[0].first), x(group[0].end)
                bands += [
                    _tag("rect", x=2, y=y0, width=width - 4, height=y1 - y0, rx=4, fill=BAND),
                    _tag(
                        "rect",
                        x=hx0,
                        y=y0,
                        width=max(hx1 - hx0, 4),
                        height=y1 - y0,
                        fill=MEETING,
                        fill_opacity=0.12,
                    ),
                    _tag("line", x1=5, y1=y0 + 4, x2=5, y2=y1 - 4, stroke=MEETING, stroke_width=2),
                ]
            index += len(group)
        # rows: a label and a span, both one link
        marks = []
        for n, (row, (name, when, what)) in enumerate(zip(rows, said, strict=True)):
            y = top + n * row_h
            indent = 10 + 14 * row.depth
            room = (label_w if wide else width - 4) - indent
            text = _clip(("↳ " if row.depth else "") + name, int(room / 6.6))
            bx0, bx1 = x(row.first), x(row.end)
            if bx1 - bx0 < 4:  # a day on a long axis: still visible
                bx0, bx1 = (bx0 + bx1) / 2 - 2, (bx0 + bx1) / 2 + 2
            label_y, bar_y = (y + 15, y + 5) if wide else (y + 13, y + 18)
            marks.append(
                _link(
                    url(row.id),
                    f"{name} — {when} ({what})",
                    _plain(indent, label_y, text, fill=MUTED if row.context else INK),
                    _bar(row.what, bx0, bar_y, bx1 - bx0, row.exact, row.context),
                )
            )
        return _svg(
            "fs-timeline",
            height,
            f"Timeline of {subject}",
            " ".join([description, *notes]),
            [
                _tag("g", *legend, class_="fs-legend"),
                _tag("g", *ticks, class_="fs-axis"),
                _tag("g", *bands, class_="fs-groups"),
                _tag("g", *marks, class_="fs-rows"),
            ],
            width,
        )

    meetings = sum(1 for r in rows if r.what == "meeting" and not r.context)
    positions = sum(1 for r in rows if r.what == "position")
    last_day = max(r.end for r in rows) - ONE_DAY
    notes = []
    if len(rows) < total:
        notes.append(
            f"Showing the latest {len(rows)} of {total} entries; the table lists them all."
        )
    if undated:
        verb = "is" if undated == 1 else "are"
        notes.append(f"{plural(undated, 'position')} without a date {verb} not drawn.")
    counts = f"{plural(meetings, 'meeting')} and {plural(positions, 'position')}"
    desc = [f"{when}: {name} ({what})" for name, when, what in said]
    description = (
        f"Timeline of {subject}: {counts}"
        f" from {short_day(rows[0].first)} to {short_day(last_day)}, in date order: {'; '.join(desc)}."
    )
    caption = (
        f"Timeline of {subject}. Side meetings, and positions stated at a meeting, are grouped "
        f"under it; a date known only to the month or year is drawn across that month or year. "
        f"Each entry links to its page."
    )
    return Picture(draw(WIDTH), _text(" ".join([caption, *notes])), draw(NARROW))


# ---------------------------------------------------------------------------------------------
# Meetings by month (by year over a long stretch of time)


def meetings_by_month(view: Shown, url: Url, sections: set[str] | None = None) -> Picture | None:
    """A bar per month (per year past eight years): how many meetings began in it.

    A bar links to its year's section of the meetings index (`#y<year>`, when `sections` holds
    that year), or else to the first meeting in it. Meetings dated only to a year are a dashed
    band across that year. `view` holds every meeting (the meetings index's view).
    """
    meetings = _of_type(view.records, "meetings")
    meetings = sorted(meetings, key=lambda r: (sort_key(r.data.date), r.id))
    if not meetings:
        return None
    sections = sections or set()
    by_month: dict[int, list[str]] = defaultdict(list)  # year * 12 + month - 1 -> meetings
    year_only: dict[int, list[str]] = defaultdict(list)
    for record in meetings:
        interval = parse_date(record.data.date)
        if interval.precision == "year":
            year_only[interval.first.year].append(record.id)
        else:
            by_month[interval.first.year * 12 + interval.first.month - 1].append(record.id)
    months = sorted(set(by_month) | {y * 12 + m for y in year_only for m in (0, 11)})
    first, last = months[0], months[-1]
    yearly = last - first + 1 > 96
    if yearly:
        keys = list(range(first // 12, last // 12 + 1))
        bins = {
            y: [m for k in range(y * 12, y * 12 + 12) for m in by_month.get(k, [])] for y in keys
        }
        for year, ids in year_only.items():
            bins[year] += ids
    else:
        extra = max(0, 12 - (last - first + 1))  # at least a year across
        keys = list(range(first - extra // 2, last + extra - extra // 2 + 1))
        bins = {k: by_month.get(k, []) for k in keys}

    band = bool(year_only) and not yearly
    most = max(len(v) for v in bins.values()) or 1
    unit = "year" if yearly else "month"

    def href(year: int, ids: list[str]) -> str:
        return f"#y{year}" if str(year) in sections else url(ids[0])

    def draw(width: float) -> str:
        x0, x1, base, bar_top = 30.0, width - 16, 150.0, 44.0
        slot = (x1 - x0) / len(keys)
        bars, desc = [], []
        axis = [_tag("line", x1=x0, y1=base, x2=x1, y2=base, stroke=INK, stroke_width=1)]
        every = max(1, math.ceil(34 / slot))  # label every n-th bin
        for n, key in enumerate(keys):
            ids, left = bins[key], x0 + n * slot
            year = key if yearly else key // 12
            label = str(key) if yearly else f"{SHORT_MONTHS[key % 12]} {year}"
            if ids:
                h = (base - bar_top) * len(ids) / most
                parts = [
                    _tag(
                        "rect",
                        x=left + slot * 0.12,
                        y=base - h,
                        width=slot * 0.76,
                        height=h,
                        fill=MEETING,
                        stroke=INK,
                        stroke_width=0.5,
                    )
                ]
                if slot >= 12:
                    middle = left + slot / 2
                    parts.append(
                        _plain(
                            middle, base - h - 4, str(len(ids)), text_anchor="middle", font_size=11
                        )
                    )
                bars.append(
                    _link(href(year, ids), f"{label}: {plural(len(ids), 'meeting')}", *parts)
                )
                desc.append(f"{label}: {len(ids)}")
            if n % every == 0:
                text = str(key) if yearly else SHORT_MONTHS[key % 12]
                axis.append(
                    _plain(left + slot / 2, base + 14, text, text_anchor="middle", font_size=11)
                )
            if not yearly and (key % 12 == 0 or n == 0):
                axis.append(_plain(left + 2, base + 28, str(year), font_size=11))
                axis.append(
                    _tag(
                        "line", x1=left, y1=base, x2=left, y2=base + 18, stroke=INK, stroke_width=1
                    )
                )
        if band:
            for year, ids in sorted(year_only.items()):
                left = max(x0 + (year * 12 - keys[0]) * slot, x0)
                right = min(x0 + (year * 12 + 12 - keys[0]) * slot, x1)
                text = f"{plural(len(ids), 'meeting')} dated only to {year}"
                rect = _tag(
                    "rect",
                    x=left + 1,
                    y=base + 36,
                    width=right - left - 2,
                    height=14,
                    fill=MEETING,
                    fill_opacity=0.3,
                    stroke=MEETING,
                    stroke_width=1.5,
                    stroke_dasharray="4 2",
                )
                bars.append(
                    _link(
                        href(year, ids), text, rect, _plain(left + 5, base + 47, text, font_size=11)
                    )
                )
                desc.append(f"{year}, month unknown: {len(ids)}")
        legend = [
            _bar("meeting", 8, 10, 22, True, False),
            _plain(36, 20, f"meetings begun in each {unit}"),
        ]
        return _svg(
            "fs-months",
            base + 40 + (26 if band else 0),
            f"Meetings by {unit}",
            f"Meetings by the {unit} they began in, {plural(len(meetings), 'meeting')} in all: "
            f"{'; '.join(desc)}.",
            [
                _tag("g", *legend, class_="fs-legend"),
                _tag("g", *axis, class_="fs-axis"),
                _tag("g", *bars, class_="fs-bars"),
            ],
            width,
        )

    caption = (
        f"Meetings by the {unit} they began in, side meetings included. Each bar links to that "
        f"year's list below."
    )
    return Picture(draw(WIDTH), _text(caption), draw(NARROW))
