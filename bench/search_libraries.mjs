// How fast MiniSearch and FlexSearch load a prebuilt index of our documents (generator/search.py's
// docstring quotes the figures). Not part of make bench: the libraries are not project
// dependencies; this is the measurement behind choosing our own sharded index instead.
//
//   .venv/bin/python -m bench.search_libraries CONTENT docs.json     # the documents, as JSON
//   (cd SCRATCH && npm install minisearch@7.2.0 flexsearch@0.8.212)
//   NODE_PATH=SCRATCH/node_modules node bench/search_libraries.mjs docs.json
//
// Both libraries can only load their whole index: the bytes before the first result are the
// serialised index, and the time is the load (medians of 5 in Node's V8, Chromium's engine).
import fs from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const MiniSearch = require("minisearch");
const FlexSearch = require("flexsearch");
const docs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
const time = (f, n = 5) => median(Array.from({ length: n }, () => { const t = performance.now(); f(); return performance.now() - t; }));
const opts = { fields: ["name", "names", "text"], storeFields: ["name"], searchOptions: { boost: { name: 3, names: 2 }, prefix: true, fuzzy: 0.2 } };
const ms = new MiniSearch(opts);
let t = performance.now(); ms.addAll(docs); const buildMs = performance.now() - t;
const json = JSON.stringify(ms);
const load = time(() => MiniSearch.loadJSON(json, opts));
const loaded = MiniSearch.loadJSON(json, opts);
const q = time(() => loaded.search("Belousov"), 5);
console.log(`minisearch 7.2.0: ${docs.length} docs, build in page ${buildMs.toFixed(0)} ms, serialised ${(Buffer.byteLength(json)/1048576).toFixed(2)} MiB, loadJSON median ${load.toFixed(0)} ms, query ${q.toFixed(1)} ms`);
// FlexSearch Document index, exported key by key
const fx = () => new FlexSearch.Document({ document: { id: "id", index: ["name", "names", "text"] }, tokenize: "forward" });
const f = fx();
t = performance.now(); for (const d of docs) f.add(d); const fbuild = performance.now() - t;
const parts = {};
await f.export((key, data) => { parts[key] = data; });
const size = Object.values(parts).reduce((s, v) => s + (v ? Buffer.byteLength(String(v)) : 0), 0);
const fload = time(() => { const g = fx(); for (const [k, v] of Object.entries(parts)) g.import(k, v); });
console.log(`flexsearch 0.8.212: build in page ${fbuild.toFixed(0)} ms, exported ${Object.keys(parts).length} keys, ${(size/1048576).toFixed(2)} MiB, import median ${fload.toFixed(0)} ms`);
