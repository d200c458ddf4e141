/* govsite: a document's page. "The text in force on a date" (?at=YYYY-MM-DD, answered from
   the document's static index of versions by date), and its history's kind filter (kept in
   the address as ?hide=kind,kind), which rescales the chart and keeps the latest changes
   listed; arrow keys move between the chart's versions. Text is set with textContent. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);

  function setParam(name, value) {
    var next = new URLSearchParams(location.search);
    if (value) { next.set(name, value); } else { next.delete(name); }
    var query = next.toString().replace(/%2C/g, ",");
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  // ---- The text in force on a date ----
  var form = document.querySelector("form.govsite-at");
  var answer = document.getElementById("at-answer");
  var DAY = /^\d{4}-\d{2}-\d{2}$/;

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }
  function para(parts) {
    var p = document.createElement("p");
    parts.forEach(function (part) {
      p.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    return p;
  }
  function longDay(day) {
    var d = new Date(day + "T00:00:00Z");
    return isNaN(d) ? day : d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  // The version in force at the end of `day` (UTC): the one recorded last on or before it
  // (by recorded date; the archive's order breaks ties), and the next one recorded after.
  function lookup(versions, day) {
    var end = day + "T23:59:59Z", found = null, next = null;
    versions.forEach(function (v) {
      if (v.recorded <= end) {
        if (!found || v.recorded >= found.recorded) { found = v; }
      } else if (!next || v.recorded < next.recorded) {
        next = v;
      }
    });
    return { found: found, next: next };
  }

  function answerFor(index, day) {
    var versionUrl = form.getAttribute("data-version-url");
    var url = function (v) { return versionUrl.replace("SLUG", v.slug); };
    var result = lookup(index.versions, day);
    var found = result.found, next = result.next;
    var box = document.createElement("div");
    box.className = "admonition info govsite-at-result";
    var title = document.createElement("p");
    title.className = "admonition-title";
    title.textContent = "The text in force on " + longDay(day);
    box.appendChild(title);
    if (!found) {
      box.appendChild(para([
        longDay(day) + " is before the first record: the archive's first version of this document was recorded on " + next.when + ". It holds no text for earlier dates. ",
        link(url(next), "Read the first version")
      ]));
      return box;
    }
    if (!found.has_text) {
      box.appendChild(para([
        "The archive stopped tracking this document on " + found.when + ", before " + longDay(day) + ": it holds no text in force on that date. ",
        link("#history", "See every version")
      ]));
      return box;
    }
    var sameDay = found.recorded.slice(0, 10) === day;
    box.appendChild(para([
      "The version ",
      link(url(found), "recorded on " + found.when),
      sameDay ? " was recorded that day." : " is the last one recorded on or before that date."
    ]));
    if (next && !sameDay) {
      box.appendChild(para([
        longDay(day) + " falls in a gap between records: the archive recorded nothing between " + found.when + " and " + next.when + ". It records a document when its text changes, so this is the text it last saw before that date; the ",
        link(url(next), "next version"),
        " was recorded on " + next.when + "."
      ]));
    } else if (!next) {
      box.appendChild(para(["It is the latest version recorded: no change has been recorded since."]));
    }
    return box;
  }

  function answerDay(day, scroll) {
    answer.textContent = "";
    if (!DAY.test(day) || isNaN(new Date(day + "T00:00:00Z"))) {
      answer.appendChild(para(["Give the date as YYYY-MM-DD, for example 2025-03-01."]));
      return;
    }
    fetch(form.getAttribute("data-index")).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (index) {
      answer.textContent = "";
      answer.appendChild(answerFor(index, day));
      if (scroll) { answer.scrollIntoView({ block: "nearest" }); }
    }).catch(function () {
      answer.textContent = "";
      answer.appendChild(para(["The list of versions could not be loaded: ", link("#history", "pick the version in the list below"), "."]));
    });
  }

  if (form && answer) {
    form.hidden = false;
    var input = form.querySelector("input[name=at]");
    var asked = params.get("at");
    if (asked) { input.value = asked; answerDay(asked, true); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      setParam("at", input.value);
      answerDay(input.value, false);
    });
  }

  // ---- The history's kind filter ----
  var historyBox = document.querySelector(".govsite-history");
  if (!historyBox) { return; }
  var filter = historyBox.querySelector(".govsite-kind-filter");
  var chart = historyBox.querySelector(".govsite-timeline-chart");
  var boxes = filter ? Array.prototype.slice.call(filter.querySelectorAll("input[name=kind]")) : [];

  function apply() {
    var hidden = {};
    boxes.forEach(function (box) { if (!box.checked) { hidden[box.value] = true; } });
    Array.prototype.forEach.call(historyBox.querySelectorAll("[data-kind]"), function (el) {
      if (el.tagName !== "LI") { el.hidden = !!hidden[el.getAttribute("data-kind")]; }
    });
    // The chart's scale: the most versions shown in one month.
    if (chart) {
      var tallest = 1;
      Array.prototype.forEach.call(chart.querySelectorAll(".govsite-timeline-month"), function (month) {
        tallest = Math.max(tallest, month.querySelectorAll(".govsite-mark:not([hidden])").length);
      });
      chart.style.setProperty("--tallest", tallest);
    }
    // The latest changes: the first few of the kinds shown.
    var list = historyBox.querySelector(".govsite-latest-changes");
    if (list) {
      var room = parseInt(list.getAttribute("data-shown"), 10) || 5;
      var shown = 0;
      Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
        var show = !hidden[li.getAttribute("data-kind")] && shown < room;
        li.hidden = !show;
        if (show) { shown += 1; }
      });
      var none = historyBox.querySelector(".govsite-latest-none");
      if (none) { none.hidden = shown > 0; }
    }
    var marks = chart ? chart.querySelectorAll(".govsite-mark:not([hidden])") : [];
    if (marks.length && !chart.querySelector(".govsite-mark:not([hidden])[tabindex='0']")) {
      Array.prototype.forEach.call(chart.querySelectorAll(".govsite-mark"), function (m) { m.tabIndex = -1; });
      marks[marks.length - 1].tabIndex = 0;
    }
    return Object.keys(hidden);
  }

  if (filter) {
    filter.hidden = false;
    var hide = (params.get("hide") || "").split(",");
    boxes.forEach(function (box) { box.checked = hide.indexOf(box.value) < 0; });
    apply();
    filter.addEventListener("change", function () { setParam("hide", apply().join(",")); });
  }

  // ---- The chart: a version's date in words, arrow keys between versions ----
  if (!chart) { return; }
  var readout = historyBox.querySelector(".govsite-timeline-readout");
  function tell(mark) {
    if (readout && mark) {
      readout.textContent = mark.getAttribute("data-when") + ": " + mark.getAttribute("data-label") + " (Enter opens it; arrow keys move to the previous or next version)";
    }
  }
  chart.addEventListener("focusin", function (event) { tell(event.target.closest(".govsite-mark")); });
  chart.addEventListener("mouseover", function (event) {
    var mark = event.target.closest ? event.target.closest(".govsite-mark") : null;
    if (mark) { tell(mark); }
  });
  chart.addEventListener("keydown", function (event) {
    var keys = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, Home: -Infinity, End: Infinity };
    if (!(event.key in keys)) { return; }
    var marks = Array.prototype.slice.call(chart.querySelectorAll(".govsite-mark:not([hidden])"));
    var at = marks.indexOf(document.activeElement);
    if (at < 0 || !marks.length) { return; }
    event.preventDefault();
    var step = keys[event.key];
    var to = step === -Infinity ? 0 : step === Infinity ? marks.length - 1 : Math.min(marks.length - 1, Math.max(0, at + step));
    marks[at].tabIndex = -1;
    marks[to].tabIndex = 0;
    marks[to].focus();
  });
})();
