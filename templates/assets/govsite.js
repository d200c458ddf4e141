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
