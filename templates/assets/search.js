/* govsite search page: Pagefind's interface over the site's index. The index is fetched in
   small pieces as the reader types; no other page loads any of it. It comes in segments
   (versions recorded long ago, and the rest), listed in the bundle's segments.json and
   merged here: each page is in one segment only. */
(function () {
  "use strict";
  var element = document.getElementById("govsite-search");
  if (!element || typeof PagefindUI === "undefined") { return; }
  var root = new URL(element.getAttribute("data-root"), location.href);
  // Pagefind's interface puts excerpts in the page as HTML, and they are made of the pages'
  // text, which holds archived texts and contributors' words: only their words and
  // Pagefind's <mark> highlights are kept. DOMParser's document runs nothing and loads
  // nothing, so reading the excerpt there is safe.
  var escapeText = function (text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var inert = function (html) {
    var out = "";
    var walk = function (node) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) { out += escapeText(child.nodeValue); }
        else if (child.nodeType === 1 && child.tagName === "MARK") {
          out += "<mark>"; walk(child); out += "</mark>";
        } else if (child.nodeType === 1) { walk(child); }
      }
    };
    walk(new DOMParser().parseFromString(String(html || ""), "text/html").body);
    return out;
  };
  var bundle = new URL(element.getAttribute("data-bundle"), location.href);
  var started = false;
  function start(merge) {
    if (started) { return; }
    started = true;
    // eslint-disable-next-line no-new
    new PagefindUI({
      element: "#govsite-search",
      bundlePath: bundle.pathname,
      mergeIndex: merge.map(function (folder) {
        return { bundlePath: new URL(folder, bundle).pathname };
      }),
      baseUrl: root.pathname,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: true,
      translations: { placeholder: "Search analyses, texts and changes" },
      // Long policy texts hold a phrase as often as short pages: length weighs little, so
      // that the page with the words comes first, not the shortest page with some of them.
      ranking: { pageLength: 0.1, termSaturation: 1.6 },
      // Excerpts are shown as HTML by Pagefind's interface: only their text and highlights.
      processResult: function (result) {
        result.excerpt = inert(result.excerpt);
        (result.sub_results || []).forEach(function (sub) {
          sub.excerpt = inert(sub.excerpt);
        });
        return result;
      }
    });
    // The input is named by the page's visible label (Pagefind gives it only a title).
    var input = element.querySelector("input");
    if (input && document.getElementById("govsite-search-label")) {
      input.setAttribute("aria-labelledby", "govsite-search-label");
    }
    // Several words without quotes: offer the exact phrase, which Pagefind finds alone.
    var phrase = document.getElementById("govsite-search-phrase");
    function offerPhrase() {
      if (!phrase || !input) { return; }
      var term = input.value.trim();
      var words = term.split(/\s+/).filter(Boolean);
      phrase.textContent = "";
      if (words.length < 2 || term.indexOf('"') >= 0) { phrase.hidden = true; return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "govsite-phrase-button";
      button.textContent = "Search for the exact phrase \u201c" + term + "\u201d";
      button.addEventListener("click", function () {
        input.value = '"' + term + '"';
        input.dispatchEvent(new Event("input"));
        offerPhrase();
        input.focus();
      });
      phrase.appendChild(button);
      phrase.hidden = false;
    }
    if (input && phrase) {
      // Between the input and the results.
      var drawer = element.querySelector(".pagefind-ui__drawer");
      var after = drawer && drawer.parentNode === input.parentNode ? drawer : input.nextSibling;
      input.parentNode.insertBefore(phrase, after);
      input.addEventListener("input", offerPhrase);
    }
    var query = new URLSearchParams(location.search).get("q");
    if (query && input) {
      input.value = query;
      input.dispatchEvent(new Event("input"));
    }
  }
  // Only folders of the bundle itself are merged, whatever the listing says.
  var folders = function (listing) {
    var merge = listing && Array.isArray(listing.merge) ? listing.merge : [];
    return merge.filter(function (folder) {
      return typeof folder === "string" && /^[a-z0-9-]+\/$/.test(folder);
    });
  };
  fetch(new URL("segments.json", bundle).href)
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (listing) { start(folders(listing)); })
    .catch(function () { start([]); });
})();
