/* govsite search page: Pagefind's interface over the site's index. The index is fetched in
   small pieces as the reader types; no other page loads any of it. */
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
  function start(merge, hidden, results) {
    if (started) { return; }
    started = true;
    var isShown = function (result) { return hidden.indexOf(result.id) < 0; };
    // Several words without quotes: Pagefind ranks pages by the words alone, wherever they
    // stand, so a page holding them as a phrase can come last. The words are searched as the
    // exact phrase when some page holds it (asked of the same index first), else as words;
    // the reader can still ask for the words anywhere.
    // Long policy texts hold a phrase as often as short pages: length weighs little, so
    // that the page with the words comes first, not the shortest page with some of them.
    var ranking = { pageLength: 0.1, termSaturation: 1.6 };
    var asPhrase = {};  // words -> whether some page holds them as a phrase
    var anywhere = {};  // words the reader wants anywhere
    function plain(term) {
      var words = term.trim().split(/\s+/).filter(Boolean);
      return words.length >= 2 && term.indexOf('"') < 0 ? words.join(" ") : "";
    }
    function processTerm(term) {
      var key = plain(term);
      return key && asPhrase[key] && !anywhere[key] ? '"' + key + '"' : term;
    }
    // eslint-disable-next-line no-new
    new PagefindUI({
      element: "#govsite-search",
      // The interface loads Pagefind from there: the module that hides outdated records.
      bundlePath: (results || bundle).pathname,
      mergeIndex: merge.map(function (folder) {
        return { bundlePath: new URL(folder, bundle).pathname };
      }),
      baseUrl: root.pathname,
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: true,
      translations: { placeholder: "Search analyses, texts and changes" },
      ranking: ranking,
      processTerm: processTerm,
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
    // The interface searches again only when the input's value changes: a trailing space
    // changes it, not the words.
    function searchAgain() {
      input.value = /\s$/.test(input.value) ? input.value.replace(/\s+$/, "") : input.value + " ";
      input.dispatchEvent(new Event("input"));
    }
    // The phrase is asked of a Pagefind of its own (the module at another address), given the
    // same segments: the interface's own instance merges them once, in its own time.
    var phraseLoaded = null;
    function phraseIndex() {
      if (!phraseLoaded) {
        phraseLoaded = import(new URL("pagefind.js?phrase", bundle).href).then(function (pagefind) {
          return Promise.resolve(
            pagefind.options({ basePath: bundle.pathname, baseUrl: root.pathname, ranking: ranking })
          ).then(function () {
            return Promise.all(merge.map(function (folder) {
              return pagefind.mergeIndex(new URL(folder, bundle).pathname);
            }));
          }).then(function () { return pagefind; });
        });
      }
      return phraseLoaded;
    }
    function checkPhrase() {
      var key = plain(input.value);
      if (!key || key in asPhrase) { return; }
      asPhrase[key] = false;
      // The module the interface loaded (one per address), with the interface's options.
      phraseIndex().then(function (pagefind) {
        return pagefind.search('"' + key + '"');
      }).then(function (found) {
        asPhrase[key] = found.results.filter(isShown).length > 0;
        // Searched again, as the phrase, if the reader has not typed on.
        if (asPhrase[key] && plain(input.value) === key) { searchAgain(); }
      }).catch(function () { /* the words are searched as words */ });
    }
    function offerPhrase() {
      if (!phrase || !input) { return; }
      var term = input.value.trim();
      var key = plain(term);
      phrase.textContent = "";
      if (!key) { phrase.hidden = true; return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "govsite-phrase-button";
      var shown = asPhrase[key] && !anywhere[key];
      if (shown) { phrase.appendChild(document.createTextNode("Pages with the exact phrase \u201c" + key + "\u201d. ")); }
      button.textContent = shown ? "Search for the words anywhere"
        : "Search for the exact phrase \u201c" + term + "\u201d";
      button.addEventListener("click", function () {
        if (shown) { anywhere[key] = true; searchAgain(); } else {
          input.value = '"' + term + '"';
          input.dispatchEvent(new Event("input"));
        }
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
      input.addEventListener("input", function () { checkPhrase(); offerPhrase(); });
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
  // The records of pages a newer segment holds again (outdated copies), by Pagefind's id.
  var outdated = function (hide) {
    return (Array.isArray(hide) ? hide : []).filter(function (id) {
      return typeof id === "string" && /^[A-Za-z0-9_-]+$/.test(id);
    });
  };
  var json = function (response) { return response.ok ? response.json() : null; };
  var results = new URL("govsite/", bundle);
  fetch(new URL(element.getAttribute("data-segments"), location.href).href)
    .then(json)
    .then(function (listing) {
      var merge = folders(listing);
      // The latest segment's entry file lists them (it changes with every new version);
      // the listing does when there is no latest segment.
      var hiddenIn = listing && typeof listing.hidden === "string" ? listing.hidden : "";
      var entry = /^[a-z0-9-]+\/[a-z0-9-]+\.json$/.test(hiddenIn) &&
        merge.indexOf(hiddenIn.split("/")[0] + "/") >= 0
        ? fetch(new URL(hiddenIn, bundle).href).then(json)
        : Promise.resolve(null);
      return entry.then(function (found) {
        var hidden = outdated(listing && listing.hide)
          .concat(outdated(found && found.govsite && found.govsite.hide));
        // The same address the interface imports: one module, told what to hide first.
        return import(new URL("pagefind.js", results).href).then(function (module) {
          module.hide(hidden);
          start(merge, hidden, results);
        });
      });
    })
    .catch(function () { start([], [], null); });
})();
