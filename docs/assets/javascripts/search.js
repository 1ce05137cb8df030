/* Fact sheets search: looks up the index that generator/search.py computed at build time.
 *
 * No index is built here. The files are loaded with <script> elements (fetch and XHR of local
 * files fail under file://); each calls FactsheetsSearch.<kind>(key, '<JSON string>') and the
 * string goes through JSON.parse. words() must split and fold exactly as generator/search.py
 * does: the browser tests compare both on every name of the shipped content.
 *
 * The widget follows the WAI-ARIA combobox pattern: an <input type="search" role="combobox">
 * controls a role="listbox" whose options are the result links, in rank order; focus stays in
 * the box (aria-activedescendant). Keys: "/" focuses the box, Up/Down move, Enter opens, Esc
 * closes. Text from the index is always set as text nodes, never parsed as markup.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  const INDEX = new URL(script.dataset.index, document.baseURI).href;
  const ROOT = new URL(script.dataset.root, document.baseURI).href;
  const DIRECTORY_URLS = script.dataset.directoryUrls === "true";
  const FORMAT = 1;
  const NAME = 1, TEXT = 2; // posting flags
  // match qualities of one query word in one document (bits, best first)
  const NAME_EXACT = 8, NAME_PREFIX = 4, TEXT_EXACT = 2, TEXT_PREFIX = 1;
  const FILTERS = [
    ["", "All"], ["a", "Actors"], ["m", "Meetings"], ["p", "Positions"],
    ["t", "Topics"], ["l", "Places"], ["s", "Sources"],
  ];

  // ---------------------------------------------------------------------------------------------
  // Words: generator/search.py's fold(), words(), shard_key(), file_key()

  const ACCENTS = /[\u0300-\u036f]/g;
  const WORD = /[\p{L}\p{N}\p{M}]+/gu;
  const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  const CJK_RUN = new RegExp(`[${CJK}]+|[^${CJK}]+`, "gu");
  const CJK_CHAR = new RegExp(`^[${CJK}]`, "u");

  const fold = (text) => text.normalize("NFKD").replace(ACCENTS, "").toLowerCase();

  function words(text) {
    const out = [];
    for (const word of fold(text).match(WORD) || []) {
      for (const part of word.match(CJK_RUN)) {
        if (CJK_CHAR.test(part)) {
          const chars = Array.from(part);
          if (chars.length === 1) out.push(part);
          for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
        } else {
          out.push(part);
        }
      }
    }
    return out;
  }

  const isCjk = (term) => CJK_CHAR.test(term);
  const shardKey = (term) => Array.from(term).slice(0, isCjk(term) ? 1 : 2).join("");
  const fileKey = (key) => Array.from(key).map((c) => c.codePointAt(0).toString(16)).join("-");
  const length = (term) => Array.from(term).length;

  // ---------------------------------------------------------------------------------------------
  // Loading the index files

  const loaded = new Map(); // "kind:key" -> data
  const waiting = new Map(); // "kind:key" -> promise
  const settle = (kind) => (key, json) => loaded.set(`${kind}:${key}`, JSON.parse(json));
  window.FactsheetsSearch = {
    manifest: settle("manifest"), shard: settle("shard"), chunk: settle("chunk"),
    words, fold, // for the tests: the same words as the generator
    /** The ranked pages for a query, as the widget shows them (for the tests). */
    async query(text, filter = "") {
      const results = await search(text, filter);
      const docs = await documents(results.docs);
      return docs.map((d, i) => ({ page: d.page, name: d.name, label: d.label, tier: results.tiers[i] }));
    },
  };

  function load(kind, key, file) {
    const id = `${kind}:${key}`;
    if (!waiting.has(id)) {
      waiting.set(id, new Promise((resolve, reject) => {
        const element = document.createElement("script");
        element.src = INDEX + file;
        element.async = true;
        element.onload = () => (loaded.has(id) ? resolve(loaded.get(id)) :
          reject(new Error(`${file} holds no ${kind} ${key}`)));
        element.onerror = () => reject(new Error(`search index file ${file} did not load`));
        document.head.appendChild(element);
      }));
    }
    return waiting.get(id);
  }

  const manifest = load("manifest", "manifest", "manifest.js").then((m) => {
    if (m.format !== FORMAT) throw new Error(`search index format ${m.format}, need ${FORMAT}`);
    m.shardSet = new Set(m.shards);
    return m;
  });
  const shard = (key) => load("shard", key, `t/${fileKey(key)}.js`);
  const chunk = (n) => load("chunk", n, `d/${n}.js`);

  // ---------------------------------------------------------------------------------------------
  // Looking up

  /** Damerau-Levenshtein distance <= 1 between two arrays of code points. */
  function oneEdit(a, b) {
    const same = (i, j) => a.length - i === b.length - j && a.slice(i).every((c, k) => c === b[j + k]);
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      return i === a.length || same(i + 1, i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && same(i + 2, i + 2));
    }
    return a.length > b.length ? same(i + 1, i) : same(i, i + 1);
  }

  function addPostings(matches, list, exact) {
    let doc = 0;
    for (const value of list) {
      doc += value >> 2;
      const flags = value & 3;
      const bits = (flags & NAME ? (exact ? NAME_EXACT : NAME_PREFIX) : 0) |
        (flags & TEXT ? (exact ? TEXT_EXACT : TEXT_PREFIX) : 0);
      matches.set(doc, (matches.get(doc) || 0) | bits);
    }
  }

  /** doc -> quality bits of `token` in the loaded shard: exact term, and terms it begins. */
  function matchToken(data, token) {
    const matches = new Map();
    if (!data) return matches;
    const prefix = length(token) > 1 || isCjk(token);
    data.t.forEach((term, i) => {
      if (term === token) addPostings(matches, data.p[i], true);
      else if (prefix && term.startsWith(token)) addPostings(matches, data.p[i], false);
    });
    return matches;
  }

  /** doc -> quality bits of the terms one typo away from `token`, in the shards it may be in. */
  async function matchTypo(m, token) {
    const c = Array.from(token);
    const keys = new Set([c[0] + c[1], c[1] + c[0], c[0] + c[2], c[1] + c[2]]);
    const shards = await Promise.all([...keys].filter((k) => m.shardSet.has(k)).map(shard));
    const matches = new Map();
    for (const data of shards) {
      data.t.forEach((term, i) => {
        if (oneEdit(c, Array.from(term))) addPostings(matches, data.p[i], true);
      });
    }
    return matches;
  }

  const quality = (bits) => (bits & NAME_EXACT ? 3 : bits & NAME_PREFIX ? 2 : bits & TEXT_EXACT ? 1 : 0);

  /** Every document matching all words of `query` (of type `filter`, "" for any), best first. */
  async function search(query, filter) {
    const m = await manifest;
    const all = words(query);
    const tokens = [...new Set(all)];
    if (!tokens.length) return { docs: [], tokens, typo: false };
    const keys = [...new Set(tokens.map(shardKey))].filter((k) => m.shardSet.has(k));
    const data = new Map(await Promise.all(keys.map(async (k) => [k, await shard(k)])));
    let perToken = tokens.map((t) => matchToken(data.get(shardKey(t)), t));
    let docs = intersect(m, perToken, filter);
    let typo = false;
    if (!docs.length) {
      const retry = await Promise.all(tokens.map((t, i) =>
        perToken[i].size || length(t) < 5 || isCjk(t) ? perToken[i] : matchTypo(m, t)));
      if (retry.some((r, i) => r !== perToken[i])) {
        perToken = retry;
        docs = intersect(m, perToken, filter);
        typo = docs.length > 0;
      }
    }
    const wholes = new Set(data.get(shardKey(all[0]))?.w[all.join(" ")] || []);
    const scored = docs.map((doc) => {
      const bits = perToken.map((t) => t.get(doc));
      const tier = wholes.has(doc) ? 5 :
        bits.every((b) => b & NAME_EXACT) ? 4 :
        bits.every((b) => b & (NAME_EXACT | NAME_PREFIX)) ? 3 :
        bits.every((b) => b & (NAME_EXACT | TEXT_EXACT)) ? 2 : 1;
      return { doc, score: tier * 1000 + bits.reduce((s, b) => s + quality(b), 0) };
    });
    scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return {
      docs: scored.map((s) => s.doc), tiers: scored.map((s) => Math.floor(s.score / 1000)),
      tokens, typo,
    };
  }

  function intersect(m, perToken, filter) {
    const order = [...perToken].sort((a, b) => a.size - b.size);
    const out = [];
    for (const doc of order[0].keys()) {
      if (filter && m.types[doc] !== filter) continue;
      if (order.every((t) => t.has(doc))) out.push(doc);
    }
    return out;
  }

  async function documents(numbers) {
    const m = await manifest;
    const chunks = [...new Set(numbers.map((n) => Math.floor(n / m.chunk)))];
    await Promise.all(chunks.map(chunk));
    return numbers.map((n) => {
      const [type, label, name, page, date, names, text] =
        loaded.get(`chunk:${Math.floor(n / m.chunk)}`)[n % m.chunk];
      return { n, type, label, name, page, date, names, text };
    });
  }

  function pageUrl(page) {
    if (!DIRECTORY_URLS) return ROOT + page.replace(/\.md$/, ".html");
    return ROOT + page.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "/");
  }

  // ---------------------------------------------------------------------------------------------
  // Snippets with the match highlighted: text nodes and <mark> elements only

  const hits = (word, tokens) => {
    const folded = words(word);
    return tokens.some((t) => folded.some((w) => w.startsWith(t)) || (isCjk(t) && fold(word).includes(t)));
  };

  /** `text` as nodes, each word that a query word begins (or a Chinese run holding it) marked. */
  function highlight(text, tokens) {
    const out = document.createDocumentFragment();
    let at = 0;
    for (const match of text.matchAll(WORD)) {
      if (!hits(match[0], tokens)) continue;
      out.append(text.slice(at, match.index));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      out.append(mark);
      at = match.index + match[0].length;
    }
    out.append(text.slice(at));
    return out;
  }

  /** Where the text first matches: about 150 characters around it, cut at spaces. */
  function excerpt(text, tokens) {
    let first = -1;
    for (const match of text.matchAll(WORD)) {
      if (hits(match[0], tokens)) { first = match.index; break; }
    }
    if (first < 0) first = 0;
    let start = Math.max(0, first - 50);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    let end = Math.min(text.length, start + 160);
    if (end < text.length) end = text.lastIndexOf(" ", end) > first ? text.lastIndexOf(" ", end) : end;
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function snippet(doc, tokens) {
    const inName = hits(doc.name, tokens);
    const other = doc.names.find((n) => [...n.matchAll(WORD)].some((w) => hits(w[0], tokens)));
    if (other && !inName) return other;
    if (doc.text && [...doc.text.matchAll(WORD)].some((w) => hits(w[0], tokens))) {
      return excerpt(doc.text, tokens);
    }
    return other || (doc.text ? excerpt(doc.text, tokens) : "");
  }

  // ---------------------------------------------------------------------------------------------
  // The widget

  const root = document.querySelector("[data-fs-search]");
  if (!root) return;
  const input = root.querySelector("input");
  const panel = root.querySelector(".fs-search__panel");
  const status = root.querySelector(".fs-search__status");
  const list = root.querySelector("[role=listbox]");
  const more = root.querySelector(".fs-search__more");
  const filters = root.querySelector(".fs-search__filters");
  let filter = "", shown = 0, current = { docs: [], tokens: [] }, active = -1, sequence = 0;

  for (const [letter, label] of FILTERS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.type = letter;
    button.setAttribute("aria-pressed", String(letter === filter));
    button.addEventListener("click", () => {
      filter = letter;
      for (const b of filters.children) b.setAttribute("aria-pressed", String(b === button));
      run();
      input.focus();
    });
    filters.append(button);
  }

  const open = () => {
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  const close = () => {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    select(-1);
  };

  function select(index) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function option(doc, tokens, index) {
    const a = document.createElement("a");
    a.setAttribute("role", "option");
    a.id = `fs-search-option-${index}`;
    a.href = pageUrl(doc.page);
    a.tabIndex = -1;
    a.setAttribute("aria-selected", "false");
    a.className = "fs-search__result";
    a.dataset.page = doc.page;
    const head = document.createElement("span");
    head.className = "fs-search__head";
    const type = document.createElement("span");
    type.className = "fs-search__type";
    type.textContent = doc.label;
    const name = document.createElement("span");
    name.className = "fs-search__name";
    name.append(highlight(doc.name, tokens));
    head.append(type, " ", name);
    if (doc.date) {
      const date = document.createElement("span");
      date.className = "fs-search__date";
      date.textContent = doc.date;
      head.append(" ", date);
    }
    a.append(head);
    const text = snippet(doc, tokens);
    if (text) {
      const p = document.createElement("span");
      p.className = "fs-search__snippet";
      p.append(highlight(text, tokens));
      a.append(p);
    }
    return a;
  }

  async function render(results, count, mine) {
    const docs = await documents(results.docs.slice(shown, count));
    if (mine !== sequence) return;
    const start = shown;
    docs.forEach((doc, i) => list.append(option(doc, results.tokens, start + i)));
    shown = start + docs.length;
    const total = results.docs.length;
    status.textContent = !results.tokens.length ? "Type to search: names, places, topics, words" :
      total === 0 ? "No matching records" :
      `${total} matching record${total === 1 ? "" : "s"}` +
      (results.typo ? " (one letter differs)" : "") +
      (total > shown ? `, first ${shown} shown` : "");
    more.hidden = total <= shown;
    root.dataset.query = input.value; // what is on screen (the tests and the benchmark wait for it)
  }

  async function run() {
    const mine = ++sequence;
    const query = input.value;
    let results;
    try {
      results = await search(query, filter);
    } catch (error) {
      if (mine === sequence) status.textContent = `Search is unavailable: ${error.message}`;
      throw error;
    }
    if (mine !== sequence) return;
    const m = await manifest;
    list.replaceChildren();
    shown = 0;
    current = results;
    select(-1);
    open();
    await render(results, m.results, mine);
  }

  input.addEventListener("input", () => run());
  input.addEventListener("focus", () => { if (input.value) open(); });
  more.addEventListener("click", async () => {
    const m = await manifest;
    const first = shown;
    await render(current, shown + m.results, sequence);
    select(first);
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    const options = list.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (panel.hidden) open();
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      select(active < 0 ? (step > 0 ? 0 : options.length - 1) :
        (active + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const target = options[active >= 0 ? active : 0];
      if (target) window.location.href = target.href;
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    const typing = t instanceof HTMLElement &&
      (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  }, true);
  document.addEventListener("click", (event) => {
    if (!root.contains(event.target)) close();
  });
  manifest.then(() => {
    root.dataset.ready = "true";
    if (input.value) run(); // typed before the index was there
  }, (error) => { status.textContent = `Search is unavailable: ${error.message}`; });
})();
