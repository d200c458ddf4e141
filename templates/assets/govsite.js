/* govsite: the cite panel's copy buttons, and the citation format a reader chose, kept for
   the next page. Text is read with textContent, never parsed as HTML. */
(function () {
  "use strict";
  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var text = target.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }
  // The theme's search dialog has no accessible name; give it one.
  Array.prototype.forEach.call(document.querySelectorAll(".md-search[role=dialog]"), function (el) {
    if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", "Search"); }
  });
  // A folded group of changes opens when a link leads into it (browsers that do not do it).
  function openTarget() {
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    if (target) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  if (location.hash) { openTarget(); }
  // A version page of the large layout writes one citation format; the others are made
  // here from its data-citable, as the build makes them (generator/render/cite.py; the
  // browser tests hold the two equal), and put in the page as text, never as HTML.
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  // Python's str.split() white space, for the same RIS fields as the build's.
  var SPACES = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function oneLine(text) { return text.split(SPACES).filter(Boolean).join(" "); }
  function bib(text) {
    return text.replace(/[\\{}%&#_$^~]/g, function (c) { return "\\^~".indexOf(c) >= 0 ? "" : "\\" + c; });
  }
  function parts(c) {
    var ymd = c.date.split("-").map(Number);
    return { y: ymd[0], m: ymd[1], d: ymd[2] };
  }
  var MADE = [
    ["apa", "APA", function (c, t) {
      var label = c.version_label ? " [" + c.version_label.charAt(0).toUpperCase() + c.version_label.slice(1) + "]" : "";
      return c.author + ". (" + t.y + ", " + MONTHS[t.m - 1] + " " + t.d + "). " + c.title + label + ". " +
        c.publisher + ". " + c.permalink;
    }],
    ["bibtex", "BibTeX", function (c, t) {
      var notes = [c.version_label, c.content_hash ? "content hash " + c.content_hash : ""];
      if (c.source_url) { notes.push("source: \\url{" + c.source_url + "}"); }
      var note = notes.filter(Boolean).join("; ");
      var fields = [
        "  author       = {{" + bib(c.author) + "}}",
        "  title        = {{" + bib(c.title) + "}}",
        "  year         = {" + t.y + "}",
        "  month        = {" + t.m + "}",
        "  day          = {" + t.d + "}",
        "  publisher    = {" + bib(c.publisher) + "}",
        "  howpublished = {\\url{" + c.permalink + "}}",
        "  url          = {" + c.permalink + "}"
      ];
      if (note) { fields.push("  note         = {" + (c.source_url ? note : bib(note)) + "}"); }
      return "@misc{" + c.key + ",\n" + fields.join(",\n") + "\n}";
    }],
    ["csl-json", "CSL-JSON", function (c, t) {
      var item = { id: c.key, type: c.kind, title: c.title, author: [{ literal: c.author }],
        issued: { "date-parts": [[t.y, t.m, t.d]] }, publisher: c.publisher, URL: c.permalink };
      if (c.version_label) { item.version = c.version_label; }
      if (c.content_hash || c.source_url) {
        item.note = [c.content_hash ? "content hash " + c.content_hash : "",
          c.source_url ? "source " + c.source_url : ""].filter(Boolean).join("; ");
      }
      return JSON.stringify([item], null, 2);
    }],
    ["ris", "RIS", function (c, t) {
      var lines = ["TY  - ELEC", "ID  - " + c.key, "AU  - " + oneLine(c.author), "TI  - " + oneLine(c.title),
        "PY  - " + t.y, "DA  - " + t.y + "/" + two(t.m) + "/" + two(t.d), "PB  - " + oneLine(c.publisher),
        "UR  - " + c.permalink];
      if (c.version_label) { lines.push("ET  - " + oneLine(c.version_label)); }
      if (c.content_hash) { lines.push("N1  - content hash " + c.content_hash); }
      if (c.source_url) { lines.push("N1  - source " + c.source_url); }
      lines.push("ER  - ");
      return lines.join("\n") + "\n";
    }]
  ];
  Array.prototype.forEach.call(document.querySelectorAll("section[data-citable]"), function (section) {
    var first = section.querySelector("details[data-cite-format]");
    var c;
    try { c = JSON.parse(section.getAttribute("data-citable")); } catch (e) { return; }
    if (!first || !c || typeof c !== "object") { return; }
    ["key", "author", "title", "date", "permalink", "publisher", "source_url", "content_hash",
      "version_label", "kind"].forEach(function (name) { c[name] = typeof c[name] === "string" ? c[name] : ""; });
    var t = parts(c);
    MADE.forEach(function (format) {
      var id = "cite-" + format[0];
      var made = first.cloneNode(true);
      made.removeAttribute("open");
      made.setAttribute("data-cite-format", format[0]);
      var summary = made.querySelector("summary");
      summary.id = id + "-label";
      summary.textContent = format[1];
      var text = made.querySelector(".govsite-citation-text");
      text.id = id;
      text.setAttribute("aria-labelledby", summary.id);
      text.textContent = format[2](c, t);
      var button = made.querySelector("button[data-copy-target]");
      button.setAttribute("data-copy-target", id);
      button.setAttribute("aria-describedby", summary.id);
      first.parentNode.appendChild(made);
    });
  });
  // The cite panel opens one format: the one the reader last chose (kept in localStorage),
  // else the first. Opening another closes the rest (also done by <details name> alone).
  var FORMAT_KEY = "govsite-cite-format";
  function remembered() {
    try { return window.localStorage.getItem(FORMAT_KEY); } catch (e) { return null; }
  }
  function choose(details) {
    Array.prototype.forEach.call(
      details.parentNode.querySelectorAll("details[data-cite-format]"),
      function (other) { if (other !== details) { other.open = false; } }
    );
  }
  var chosen = remembered();
  Array.prototype.forEach.call(document.querySelectorAll("details[data-cite-format]"), function (details) {
    if (chosen && details.getAttribute("data-cite-format") === chosen) {
      details.open = true;
      choose(details);
    }
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      choose(details);
      try { window.localStorage.setItem(FORMAT_KEY, details.getAttribute("data-cite-format")); } catch (e) { /* private mode */ }
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy-target]") : null;
    if (button) { copy(button); }
  });
  // A table or chart wider than a phone scrolls sideways: keyboard users can reach and scroll
  // it (the theme wraps tables once the page loads, hence the wait).
  function scrollable() {
    Array.prototype.forEach.call(
      document.querySelectorAll(".md-typeset__scrollwrap, .govsite-scroll, .govsite-chart-frame, .govsite-table-frame"),
      function (frame) {
        if (frame.scrollWidth > frame.clientWidth + 1) {
          if (!frame.hasAttribute("tabindex")) {
            frame.setAttribute("tabindex", "0");
            frame.setAttribute("role", "region");
            frame.setAttribute("aria-label", "Table, scrolls sideways");
          }
        } else if (frame.getAttribute("role") === "region" && frame.getAttribute("tabindex") === "0") {
          frame.removeAttribute("tabindex");
          frame.removeAttribute("role");
          frame.removeAttribute("aria-label");
        }
      }
    );
  }
  setTimeout(scrollable, 0);
  window.addEventListener("load", scrollable);
  window.addEventListener("resize", scrollable);
  // "... 127 unchanged clauses ...": a button that opens them in place, copied from the
  // version's text below (ids left out, so that anchors stay unique).
  Array.prototype.forEach.call(document.querySelectorAll(".govsite-unchanged a[data-clauses]"), function (link) {
    var ids = link.getAttribute("data-clauses").split(" ");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "govsite-unchanged-toggle";
    button.textContent = link.textContent;
    button.setAttribute("aria-expanded", "false");
    var shown = null;
    button.addEventListener("click", function () {
      if (shown) {
        shown.parentNode.removeChild(shown);
        shown = null;
        button.setAttribute("aria-expanded", "false");
        button.textContent = link.textContent;
        return;
      }
      shown = document.createElement("div");
      shown.className = "govsite-unchanged-clauses";
      ids.forEach(function (id) {
        var clause = document.getElementById(id);
        if (!clause) { return; }
        var copy = clause.cloneNode(true);
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
        if (copy.tagName === "LI") {
          var list = document.createElement(clause.parentNode.tagName === "OL" ? "ol" : "ul");
          list.appendChild(copy);
          copy = list;
        }
        shown.appendChild(copy);
      });
      button.parentNode.parentNode.insertBefore(shown, button.parentNode.nextSibling);
      button.setAttribute("aria-expanded", "true");
      button.textContent = "Hide the " + ids.length + " unchanged " + (ids.length === 1 ? "clause" : "clauses");
    });
    link.parentNode.replaceChild(button, link);
  });
})();
