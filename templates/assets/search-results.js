// govsite: Pagefind's module as the search page's interface loads it (from the bundle's
// govsite/ folder), with the records the site lists as outdated left out of every answer.
// A document's latest text stays on its shelf as it stood at the last compaction; a newer
// copy is in the latest segment, and the shelf's copy is hidden here (the latest segment's
// entry file names it), so that a reader never sees it, whichever words the query holds.
import * as pagefind from "../pagefind.js";

export * from "../pagefind.js";

var hidden = new Set();

export function hide(ids) {
  (Array.isArray(ids) ? ids : []).forEach(function (id) {
    if (typeof id === "string") { hidden.add(id); }
  });
}

function kept(response) {
  if (!response || !Array.isArray(response.results) || hidden.size === 0) { return response; }
  var results = response.results.filter(function (result) { return !hidden.has(result.id); });
  var left = response.results.length - results.length;
  return Object.assign({}, response, {
    results: results,
    unfilteredResultCount: Math.max(0, (response.unfilteredResultCount || 0) - left)
  });
}

export async function search(term, options) {
  return kept(await pagefind.search(term, options));
}

export async function debouncedSearch(term, options, timeout) {
  return kept(await pagefind.debouncedSearch(term, options, timeout));
}
