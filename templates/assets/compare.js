/* govsite compare view: diffs two archived versions in the browser, from static files.
   Texts are split into clauses (blank-line separated blocks), clauses are aligned with a
   longest-common-subsequence pass, and paired clauses are diffed word by word. Archived
   text is untrusted: it is only ever inserted with textContent. */
(function () {
  "use strict";
  var form = document.querySelector("form.govsite-compare-form");
  if (!form) { return; }
  var versions = JSON.parse(form.getAttribute("data-versions"));
  var bySlug = {};
  versions.forEach(function (v) { bySlug[v.slug] = v; });
  var output = document.querySelector(".govsite-compare-result");
  var MAX_CELLS = 4000000;

  function blocks(text) {
    return text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).map(function (b) {
      return b.replace(/\s+/g, " ").trim();
    }).filter(function (b) { return b.length > 0; });
  }
  function tokens(text) { return text.match(/\s+|[\w]+|[^\w\s]/g) || []; }

  // Longest common subsequence table over two arrays; returns [op, a-index, b-index] steps.
  function lcs(a, b, same) {
    var n = a.length, m = b.length, i, j;
    if (n * m > MAX_CELLS) { return null; }
    var table = [];
    for (i = 0; i <= n; i++) { table.push(new Uint32Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        table[i][j] = same(a[i], b[j]) ? table[i + 1][j + 1] + 1
          : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var steps = [];
    i = 0; j = 0;
    while (i < n && j < m) {
      if (same(a[i], b[j])) { steps.push(["=", i, j]); i++; j++; }
      else if (table[i + 1][j] >= table[i][j + 1]) { steps.push(["-", i, -1]); i++; }
      else { steps.push(["+", -1, j]); j++; }
    }
    while (i < n) { steps.push(["-", i++, -1]); }
    while (j < m) { steps.push(["+", -1, j++]); }
    return steps;
  }
  function eq(x, y) { return x === y; }

  function span(tag, text, label) {
    var element = document.createElement(tag);
    if (label) {
      var hidden = document.createElement("span");
      hidden.className = "govsite-sr";
      hidden.textContent = "[" + label + ": ";
      element.appendChild(hidden);
    }
    element.appendChild(document.createTextNode(text));
    if (label) {
      var end = document.createElement("span");
      end.className = "govsite-sr";
      end.textContent = "]";
      element.appendChild(end);
    }
    return element;
  }
  function wordDiff(oldText, newText, into) {
    var a = tokens(oldText), b = tokens(newText);
    var steps = lcs(a, b, eq);
    if (!steps) {
      into.appendChild(span("del", oldText, "deleted"));
      into.appendChild(span("ins", newText, "inserted"));
      return;
    }
    steps.forEach(function (s) {
      if (s[0] === "=") { into.appendChild(document.createTextNode(a[s[1]])); }
      else if (s[0] === "-") { into.appendChild(span("del", a[s[1]], "deleted")); }
      else { into.appendChild(span("ins", b[s[2]], "inserted")); }
    });
  }
  function similar(x, y) {
    var words = {}, common = 0, a = x.split(" "), b = y.split(" ");
    a.forEach(function (w) { words[w] = (words[w] || 0) + 1; });
    b.forEach(function (w) { if (words[w] > 0) { words[w]--; common++; } });
    return 2 * common / (a.length + b.length) >= 0.5;
  }
  function render(oldText, newText, from, to) {
    output.textContent = "";
    var a = blocks(oldText), b = blocks(newText);
    var steps = lcs(a, b, eq) || [["-", 0, -1]].concat([]);
    var counts = { changed: 0, added: 0, removed: 0 };
    var heading = document.createElement("p");
    output.appendChild(heading);
    var pendingRemoved = [];
    var unchanged = 0;
    function flushUnchanged() {
      if (unchanged) {
        var p = document.createElement("p");
        p.className = "govsite-unchanged";
        p.textContent = "… " + unchanged + " unchanged clause" + (unchanged === 1 ? "" : "s") + " …";
        output.appendChild(p);
        unchanged = 0;
      }
    }
    function clause(kind, build) {
      flushUnchanged();
      var box = document.createElement("div");
      box.className = "govsite-change govsite-change-" + kind;
      var label = document.createElement("p");
      label.className = "govsite-change-label";
      label.textContent = kind.charAt(0).toUpperCase() + kind.slice(1);
      box.appendChild(label);
      var body = document.createElement("p");
      body.className = "govsite-diff";
      build(body);
      box.appendChild(body);
      output.appendChild(box);
      counts[kind]++;
    }
    function flushRemoved() {
      pendingRemoved.forEach(function (text) {
        clause("removed", function (body) { body.appendChild(span("del", text, "deleted")); });
      });
      pendingRemoved = [];
    }
    steps.forEach(function (s) {
      if (s[0] === "=") { flushRemoved(); unchanged++; return; }
      if (s[0] === "-") { pendingRemoved.push(a[s[1]]); return; }
      var text = b[s[2]];
      var match = -1;
      for (var k = 0; k < pendingRemoved.length; k++) {
        if (similar(pendingRemoved[k], text)) { match = k; break; }
      }
      if (match >= 0) {
        var old = pendingRemoved.splice(match, 1)[0];
        clause("changed", function (body) { wordDiff(old, text, body); });
      } else {
        clause("added", function (body) { body.appendChild(span("ins", text, "inserted")); });
      }
    });
    flushRemoved();
    flushUnchanged();
    heading.textContent = "From " + from + " to " + to + ": " + counts.changed + " changed, " +
      counts.added + " added, " + counts.removed + " removed.";
  }
  function load(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.text();
    });
  }
  function compare() {
    var from = form.elements.from.value, to = form.elements.to.value;
    if (!bySlug[from] || !bySlug[to]) { return; }
    history.replaceState(null, "", "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to));
    output.textContent = "Loading…";
    Promise.all([load(bySlug[from].text), load(bySlug[to].text)]).then(function (texts) {
      render(texts[0], texts[1], from, to);
    }, function (error) {
      output.textContent = "Could not load the versions (" + error.message + ").";
    });
  }
  var params = new URLSearchParams(location.search);
  if (bySlug[params.get("from")]) { form.elements.from.value = params.get("from"); }
  if (bySlug[params.get("to")]) { form.elements.to.value = params.get("to"); }
  form.addEventListener("submit", function (event) { event.preventDefault(); compare(); });
  compare();
})();
