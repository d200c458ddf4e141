// Runs the browser's compare engine (templates/assets/compare.js) on the fixture files of
// tests/fixtures/compare/ and prints, per file, what it gives for each case, in the shape
// the Python tests compare with the files' expected parts (tests/test_golden_compare.py).
// Usage: node tests/compare_fixtures.js <compare.js> <fixture folder>
"use strict";
const fs = require("fs");
const path = require("path");
const engine = require(path.resolve(process.argv[2]));
const folder = process.argv[3];

function version(blocks) {
  // A block is its text, or {text, links, markup} (as a version page gives them back).
  const full = blocks.map((b) => (typeof b === "string" ? { text: b } : b));
  return {
    texts: full.map((b) => engine.normalise(b.text)),
    links: full.map((b) => b.links || []),
    markup: full.map((b) => b.markup || "paragraph0:"),
  };
}

const run = {
  normalise: (c) => engine.normalise(c.text),
  tokens: (c) => engine.tokens(c.text),
  worddiff: (c) => {
    const segments = engine.wordDiff(c.old, c.new);
    return {
      segments: segments,
      words_added: engine.touched(segments, "+"),
      words_removed: engine.touched(segments, "-"),
    };
  },
  align: (c) => engine.align(c.old.map(engine.normalise), c.new.map(engine.normalise)),
  describe: (c) => {
    const oldV = version(c.old), newV = version(c.new);
    const changes = engine.describe(oldV, newV, engine.align(oldV.texts, newV.texts));
    return {
      changes: changes.map((ch) => ({
        status: ch.status, old: ch.old, new: ch.new, segments: ch.segments, links: ch.links,
        unchanged_before: ch.unchangedBefore,
      })),
      stats: engine.changeStats(changes, oldV, newV),
    };
  },
};

const out = {};
for (const name of fs.readdirSync(folder).sort()) {
  if (!name.endsWith(".json")) { continue; }
  const stem = name.slice(0, -5);
  const cases = JSON.parse(fs.readFileSync(path.join(folder, name), "utf8")).cases;
  out[stem] = cases.map((c) => run[stem](c));
}
process.stdout.write(JSON.stringify(out));
