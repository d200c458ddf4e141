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
  // eslint-disable-next-line no-new
  new PagefindUI({
    element: "#govsite-search",
    bundlePath: new URL(element.getAttribute("data-bundle"), location.href).pathname,
    baseUrl: root.pathname,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: true,
    translations: { placeholder: "Search analyses, texts and changes" },
    // A long page is searched as several records (generator/publish/search.py): the second
    // and later ones live at <page>/_part-N/, which is not a page; results link to the page.
    processResult: function (result) {
      var page = function (url) { return url.replace(/_part-\d+\/(?=#|$)/, ""); };
      result.url = page(result.url);
      result.excerpt = inert(result.excerpt);
      (result.sub_results || []).forEach(function (sub) {
        sub.url = page(sub.url);
        sub.excerpt = inert(sub.excerpt);
      });
      return result;
    }
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    var input = element.querySelector("input");
    if (input) { input.value = query; input.dispatchEvent(new Event("input")); }
  }
})();
