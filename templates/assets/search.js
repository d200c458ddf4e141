/* govsite search page: Pagefind's interface over the site's index. The index is fetched in
   small pieces as the reader types; no other page loads any of it. */
(function () {
  "use strict";
  var element = document.getElementById("govsite-search");
  if (!element || typeof PagefindUI === "undefined") { return; }
  var root = new URL(element.getAttribute("data-root"), location.href);
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
      (result.sub_results || []).forEach(function (sub) { sub.url = page(sub.url); });
      return result;
    }
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    var input = element.querySelector("input");
    if (input) { input.value = query; input.dispatchEvent(new Event("input")); }
  }
})();
