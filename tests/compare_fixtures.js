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
  // A block is its text, or {text, links, markup, heading_like} (as a version page gives
  // them back; the markup starts with the block's kind and level, "heading2:").
  const full = blocks.map((b) => (typeof b === "string" ? { text: b } : b));
  const markup = full.map((b) => b.markup || "paragraph0:");
  return {
    blocks: full.map((b, n) => ({ kind: markup[n].split(":")[0], raw: b.text, element: element(b) })),
    texts: full.map((b) => engine.normalise(b.text)),
    links: full.map((b) => b.links || []),
    markup: markup,
  };
}

function element(block) {
  // The little of a paragraph's element the engine reads: whether it is wholly in bold.
  const strong = {
    nodeType: 1, tagName: "STRONG", id: "", textContent: block.text,
    classList: { contains: () => false },
  };
  const children = block.heading_like ? [strong] : [{ nodeType: 3, nodeValue: block.text }];
  return {
    childNodes: children,
    querySelectorAll: (selector) => (selector === "strong" && block.heading_like ? [strong] : []),
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
