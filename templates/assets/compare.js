/* govsite compare view: any two versions of a document, compared in the browser with the
   same engine as the version pages' changes (generator/compare: align.py, worddiff.py,
   changes.py), step for step, so that two consecutive versions get the same changes.
   Each version's clauses are read back from its own page (no extra data is published).
   Archived text is untrusted: it is only ever inserted with textContent. */
(function () {
  "use strict";

  // ---- Text as compared (generator/text/normalise.py) --------------------------------
  var TYPOGRAPHY = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u0060": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2015": "-", "\u2212": "-"
  };
  var TYPO_CHARS = new RegExp("[" + Object.keys(TYPOGRAPHY).join("") + "]", "g");
  // Characters that could disguise text (generator/untrusted.py clean_text): invisible
  // marks, controls, lone surrogates and noncharacters.
  var NONCHARACTERS = "\\u{D800}-\\u{DFFF}\\u{FDD0}-\\u{FDEF}\\u{FFFE}\\u{FFFF}";
  for (var plane = 1; plane <= 16; plane++) {
    NONCHARACTERS += "\\u{" + plane.toString(16) + "FFFE}\\u{" + plane.toString(16) + "FFFF}";
  }
  var HIDDEN = new RegExp("[\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069" +
    "\\ufeff\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f" + NONCHARACTERS + "]", "gu");
  function normalise(text) {
    return text.replace(HIDDEN, "").normalize("NFKC")
      .replace(TYPO_CHARS, function (c) { return TYPOGRAPHY[c]; })
      .replace(/\s+/g, " ").trim();
  }
  function words(text) { return text.split(/\s+/).filter(function (w) { return w !== ""; }); }
  function isSpace(text) { return /^\s+$/.test(text); }

  // ---- difflib.SequenceMatcher without junk (autojunk=False) ----------------------------
  function opcodes(a, b) {
    var b2j = new Map();
    b.forEach(function (item, j) {
      var list = b2j.get(item);
      if (list) { list.push(j); } else { b2j.set(item, [j]); }
    });
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length; n++) {
          var j = js[n];
          if (j < blo) { continue; }
          if (j >= bhi) { break; }
          var k = (j2len.get(j - 1) || 0) + 1;
          next.set(j, k);
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
        besti--; bestj--; bestsize++;
      }
      while (besti + bestsize < ahi && bestj + bestsize < bhi &&
             a[besti + bestsize] === b[bestj + bestsize]) { bestsize++; }
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]], blocks = [];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        blocks.push(m);
        if (q[0] < m[0] && q[2] < m[1]) { queue.push([q[0], m[0], q[2], m[1]]); }
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) {
          queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
        }
      }
    }
    blocks.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    var merged = [], i1 = 0, j1 = 0, k1 = 0;
    blocks.forEach(function (x) {
      if (i1 + k1 === x[0] && j1 + k1 === x[1]) { k1 += x[2]; }
      else { if (k1) { merged.push([i1, j1, k1]); } i1 = x[0]; j1 = x[1]; k1 = x[2]; }
    });
    if (k1) { merged.push([i1, j1, k1]); }
    merged.push([a.length, b.length, 0]);
    var out = [], i = 0, j = 0;
    merged.forEach(function (x) {
      var tag = i < x[0] && j < x[1] ? "replace" : i < x[0] ? "delete" : j < x[1] ? "insert" : "";
      if (tag) { out.push([tag, i, x[0], j, x[1]]); }
      i = x[0] + x[2]; j = x[1] + x[2];
      if (x[2]) { out.push(["equal", x[0], i, x[1], j]); }
    });
    return out;
  }

  // ---- Word diffs (worddiff.py) -----------------------------------------------------------
  var WORD_BUDGET = 4000000;
  var UNIT_ENDS = [".!?", ",;:"];
  function tokens(text) { return text.match(/\s+|[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu) || []; }

  function tokenOpcodes(a, b) {
    var out = [];
    diffLevel(a, b, 0, a.length, 0, b.length, 0, out);
    var joined = [];
    out.forEach(function (op) {
      if (op[1] === op[2] && op[3] === op[4]) { return; }
      var tag = op[0] === "equal" ? "equal" : "replace", last = joined[joined.length - 1];
      if (last && last[0] === tag) { joined[joined.length - 1] = [tag, last[1], op[2], last[3], op[4]]; }
      else { joined.push([tag, op[1], op[2], op[3], op[4]]); }
    });
    return joined;
  }
  function diffLevel(a, b, alo, ahi, blo, bhi, level, out) {
    var head = 0, tail = 0;
    while (alo + head < ahi && blo + head < bhi && a[alo + head] === b[blo + head]) { head++; }
    while (ahi - tail > alo + head && bhi - tail > blo + head &&
           a[ahi - 1 - tail] === b[bhi - 1 - tail]) { tail++; }
    if (head) { out.push(["equal", alo, alo + head, blo, blo + head]); }
    var lo1 = alo + head, lo2 = blo + head, hi1 = ahi - tail, hi2 = bhi - tail;
    if (lo1 < hi1 || lo2 < hi2) {
      if (lo1 === hi1 || lo2 === hi2 || (hi1 - lo1) * (hi2 - lo2) <= WORD_BUDGET) {
        opcodes(a.slice(lo1, hi1), b.slice(lo2, hi2)).forEach(function (op) {
          out.push([op[0], lo1 + op[1], lo1 + op[2], lo2 + op[3], lo2 + op[4]]);
        });
      } else if (level < UNIT_ENDS.length) {
        byUnits(a, b, lo1, hi1, lo2, hi2, level, out);
      } else {
        out.push(["replace", lo1, hi1, lo2, hi2]);
      }
    }
    if (tail) { out.push(["equal", hi1, ahi, hi2, bhi]); }
  }
  function unitStarts(toks, lo, hi, ends) {
    var starts = [lo], index = lo;
    while (index < hi) {
      var token = toks[index];
      index++;
      if (ends.indexOf(token) >= 0 && token.length === 1 && index < hi && isSpace(toks[index])) {
        index++;
      } else if (!(token.indexOf("\n") >= 0 && isSpace(token))) { continue; }
      if (index < hi) { starts.push(index); }
    }
    starts.push(hi);
    return starts;
  }
  function byUnits(a, b, alo, ahi, blo, bhi, level, out) {
    var sa = unitStarts(a, alo, ahi, UNIT_ENDS[level]), sb = unitStarts(b, blo, bhi, UNIT_ENDS[level]);
    function units(toks, starts) {
      var list = [];
      for (var n = 0; n + 1 < starts.length; n++) { list.push(toks.slice(starts[n], starts[n + 1]).join("")); }
      return list;
    }
    opcodes(units(a, sa), units(b, sb)).forEach(function (op) {
      if (op[0] === "equal") { out.push(["equal", sa[op[1]], sa[op[2]], sb[op[3]], sb[op[4]]]); }
      else { diffLevel(a, b, sa[op[1]], sa[op[2]], sb[op[3]], sb[op[4]], level + 1, out); }
    });
  }
  function wordDiff(oldText, newText) {
    var a = tokens(oldText), b = tokens(newText), segments = [];
    tokenOpcodes(a, b).forEach(function (op) {
      if (op[0] === "equal") { segments.push(["=", a.slice(op[1], op[2]).join("")]); return; }
      if (op[2] > op[1]) { segments.push(["-", a.slice(op[1], op[2]).join("")]); }
      if (op[4] > op[3]) { segments.push(["+", b.slice(op[3], op[4]).join("")]); }
    });
    return mergeSegments(segments);
  }
  function mergeSegments(segments) {
    var out = [];
    segments.forEach(function (s) {
      var last = out[out.length - 1];
      if (last && last[0] === s[0]) { out[out.length - 1] = [s[0], last[1] + s[1]]; } else { out.push(s); }
    });
    var merged = [], index = 0;
    while (index < out.length) {
      var segment = out[index], following = [], scan = index + 1;
      while (scan < out.length && out[scan][0] !== "=") { following.push(out[scan]); scan++; }
      var before = merged.length && merged[merged.length - 1][0] !== "="
        ? merged.slice(-2).filter(function (s) { return s[0] !== "="; }) : [];
      var around = before.concat(following);
      var has = function (op) { return around.some(function (s) { return s[0] === op; }); };
      if (segment[0] === "=" && isSpace(segment[1]) && before.length && following.length &&
          has("-") && has("+")) {
        merged = merged.slice(0, merged.length - before.length);
        var text = function (list, op) {
          return list.filter(function (s) { return s[0] === op; }).map(function (s) { return s[1]; }).join("");
        };
        merged.push(["-", text(before, "-") + segment[1] + text(following, "-")]);
        merged.push(["+", text(before, "+") + segment[1] + text(following, "+")]);
        index = scan;
      } else { merged.push(segment); index++; }
    }
    return merged;
  }
  function touched(segments, op) {
    var count = 0, inWord = false, hit = false;
    segments.forEach(function (s) {
      if (s[0] !== "=" && s[0] !== op) { return; }
      var changed = s[0] === op;
      for (var c of s[1]) {
        if (/\s/.test(c)) { if (inWord && hit) { count++; } inWord = hit = false; }
        else { inWord = true; hit = hit || changed; }
      }
    });
    return count + (inWord && hit ? 1 : 0);
  }

  // ---- Alignment (align.py) -----------------------------------------------------------------
  var SIMILAR = 0.5, PAIRING_BUDGET = 40000;
  function counted(text) {
    var counts = new Map(), list = words(text);
    list.forEach(function (w) { counts.set(w, (counts.get(w) || 0) + 1); });
    return [counts, list.length];
  }
  function similarityOf(c, wordsB) {
    var counts = c[0], totalA = c[1];
    if (!totalA || !wordsB.length) { return totalA === wordsB.length ? 1.0 : 0.0; }
    var used = new Map(), common = 0;
    wordsB.forEach(function (w) {
      var seen = used.get(w) || 0;
      if (seen < (counts.get(w) || 0)) { used.set(w, seen + 1); common++; }
    });
    return 2 * common / (totalA + wordsB.length);
  }
  function similarity(a, b) { return similarityOf(counted(a), words(b)); }

  function align(oldTexts, newTexts) {
    var ops = opcodes(oldTexts, newTexts), unmatchedOld = [], unmatchedNew = [];
    ops.forEach(function (op) {
      if (op[0] === "equal") { return; }
      for (var i = op[1]; i < op[2]; i++) { unmatchedOld.push(i); }
      for (var j = op[3]; j < op[4]; j++) { unmatchedNew.push(j); }
    });
    var byText = new Map(), partner = new Map(), usedOld = new Set();
    unmatchedOld.forEach(function (i) {
      var list = byText.get(oldTexts[i]);
      if (list) { list.push(i); } else { byText.set(oldTexts[i], [i]); }
    });
    unmatchedNew.forEach(function (j) {
      var list = byText.get(newTexts[j]);
      if (list && list.length) { partner.set(j, [list.shift(), "moved"]); }
    });
    partner.forEach(function (p) { usedOld.add(p[0]); });
    var changed = pairSimilar(oldTexts, newTexts,
      unmatchedOld.filter(function (i) { return !usedOld.has(i); }),
      unmatchedNew.filter(function (j) { return !partner.has(j); }));
    changed.forEach(function (i, j) { partner.set(j, [i, "changed"]); usedOld.add(i); });
    // A short line whose date changed ("Updated yesterday" -> "Updated: 3 days ago"), or
    // its case or punctuation, shares too few words to pass for an edit, but it is one.
    pairShort(oldTexts, newTexts,
      unmatchedOld.filter(function (i) { return !usedOld.has(i); }),
      unmatchedNew.filter(function (j) { return !partner.has(j); }))
      .forEach(function (i, j) { partner.set(j, [i, "changed"]); usedOld.add(i); });
    var pairs = [];
    ops.forEach(function (op) {
      var i1 = op[1], i2 = op[2], j1 = op[3], j2 = op[4], i, j;
      if (op[0] === "equal") {
        for (var k = 0; k < i2 - i1; k++) { pairs.push([i1 + k, j1 + k, "equal"]); }
        return;
      }
      var edited = new Map();
      for (j = j1; j < j2; j++) {
        var p = partner.get(j);
        if (p && p[1] === "changed" && p[0] >= i1 && p[0] < i2) { edited.set(j, p[0]); }
      }
      var editedOld = new Set(edited.values()), removed = [], added = [];
      for (i = i1; i < i2; i++) { if (!usedOld.has(i) || editedOld.has(i)) { removed.push(i); } }
      for (j = j1; j < j2; j++) { if (!partner.has(j) || edited.has(j)) { added.push(j); } }
      if (edited.size && rewriteReadsBetter(oldTexts, newTexts, removed, added, edited)) {
        edited.forEach(function (_, jj) { partner.delete(jj); });
      } else {
        removed = removed.filter(function (ii) { return !editedOld.has(ii); });
        added = added.filter(function (jj) { return !edited.has(jj); });
      }
      var rewritten = rewrittenRegion(oldTexts, newTexts, removed, added);
      if (rewritten === null) {
        removed.forEach(function (ii) { pairs.push([ii, null, "removed"]); });
      } else {
        var kept = new Set(rewritten.values());
        removed.forEach(function (ii) { if (!kept.has(ii)) { pairs.push([ii, null, "rewritten"]); } });
      }
      for (j = j1; j < j2; j++) {
        if (partner.has(j)) { pairs.push([partner.get(j)[0], j, partner.get(j)[1]]); }
        else if (rewritten !== null) { pairs.push([rewritten.has(j) ? rewritten.get(j) : null, j, "rewritten"]); }
        else { pairs.push([null, j, "added"]); }
      }
    });
    return pairs;
  }
  function pairSimilar(oldTexts, newTexts, olds, news) {
    var result = new Map();
    if (!olds.length || !news.length) { return result; }
    var win = olds.length * news.length <= PAIRING_BUDGET ? olds.length : 10;
    var free = new Set(olds), counts = new Map();
    olds.forEach(function (i) { counts.set(i, counted(oldTexts[i])); });
    news.forEach(function (j, position) {
      var centre = Math.floor(position * olds.length / news.length);
      var best = null, bestScore = SIMILAR, list = words(newTexts[j]);
      olds.slice(Math.max(0, centre - win), centre + win + 1).forEach(function (i) {
        if (!free.has(i)) { return; }
        var score = similarityOf(counts.get(i), list);
        if (score >= bestScore) { best = i; bestScore = score; }
      });
      if (best !== null) { result.set(j, best); free.delete(best); }
    });
    return result;
  }
  function rewriteReadsBetter(oldTexts, newTexts, olds, news, edited) {
    var pairedOld = new Set(edited.values()), apart = 0;
    edited.forEach(function (i, j) {
      apart += (words(oldTexts[i]).length + words(newTexts[j]).length) *
        (1 - similarity(oldTexts[i], newTexts[j]));
    });
    apart += olds.filter(function (i) { return !pairedOld.has(i); })
      .reduce(function (sum, i) { return sum + words(oldTexts[i]).length; }, 0);
    apart += news.filter(function (j) { return !edited.has(j); })
      .reduce(function (sum, j) { return sum + words(newTexts[j]).length; }, 0);
    var oldText = olds.map(function (i) { return oldTexts[i]; }).join(" ");
    var newText = news.map(function (j) { return newTexts[j]; }).join(" ");
    var together = similarity(oldText, newText);
    var whole = (words(oldText).length + words(newText).length) * (1 - together);
    return together >= SIMILAR && whole < 0.8 * apart;
  }
  function owned(texts, indexes) {
    var joined = [], owners = [];
    indexes.forEach(function (index) {
      tokens(texts[index] + " ").forEach(function (t) { joined.push(t); owners.push(index); });
    });
    return [joined, owners];
  }
  function rewrittenRegion(oldTexts, newTexts, removed, added) {
    if (!removed.length || !added.length) { return null; }
    var oldText = removed.map(function (i) { return oldTexts[i]; }).join(" ");
    var newText = added.map(function (j) { return newTexts[j]; }).join(" ");
    if (similarity(oldText, newText) < SIMILAR) { return null; }
    var a = owned(oldTexts, removed), b = owned(newTexts, added), shared = new Map();
    tokenOpcodes(a[0], b[0]).forEach(function (op) {
      if (op[0] !== "equal") { return; }
      for (var k = 0; k < op[2] - op[1]; k++) {
        if (isSpace(a[0][op[1] + k])) { continue; }
        var key = a[1][op[1] + k] + "," + b[1][op[3] + k];
        shared.set(key, (shared.get(key) || 0) + 1);
      }
    });
    var entries = Array.from(shared.entries()).map(function (e) {
      var ij = e[0].split(",").map(Number);
      return [ij[0], ij[1], e[1]];
    });
    entries.sort(function (x, y) { return y[2] - x[2] || x[0] - y[0] || x[1] - y[1]; });
    var carried = new Map(), taken = new Set();
    entries.forEach(function (e) {
      if (!carried.has(e[1]) && !taken.has(e[0]) && 2 * e[2] >= words(newTexts[e[1]]).length) {
        carried.set(e[1], e[0]); taken.add(e[0]);
      }
    });
    return carried;
  }

  // ---- Short lines whose dates changed (align.py _pair_short, dates.py) --------------------
  // Python's \b and \d know every script; JavaScript's only ASCII, hence these. A browser
  // without lookbehind (Safari before 16.4) cannot build them: it pairs no line by its dates.
  var B = "(?:(?<=[\\p{L}\\p{N}_])(?![\\p{L}\\p{N}_])|(?<![\\p{L}\\p{N}_])(?=[\\p{L}\\p{N}_]))";
  var D = "\\p{Nd}";
  var MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|januar|februar|märz|maerz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|augustus|oktober";
  var DATE = null, RELATIVE = null;
  var UNITS = {
    en: "(?:second|minute|hour|day|week|month|year)s?",
    fr: "(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?|années?)",
    de: "(?:Sekunden?|Minuten?|Stunden?|Tag(?:en)?|Wochen?|Monat(?:en)?|Jahr(?:en)?)",
    es: "(?:segundos?|minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?|años?)",
    it: "(?:secondi|minuti|or[ae]|giorn[oi]|settiman[ae]|mes[ei]|ann[oi])",
    nl: "(?:seconden|minuten|uur|dag(?:en)?|weken|week|maand(?:en)?|jaar)",
    pt: "(?:segundos?|minutos?|horas?|dias?|semanas?|mês|meses|anos?)"
  };
  var COUNT = "(?:" + D + "+|an?|one|a\\s+few|several|un|une|quelques|einem|einer|wenigen|una|uno|um|uma|een)";
  try {
    DATE = new RegExp(B + "(?:" + D + "{4}-" + D + "{1,2}-" + D + "{1,2}|" + D + "{1,2}[./-]" + D +
      "{1,2}[./-]" + D + "{2,4}|(?:" + D + "{1,2}(?:st|nd|rd|th|er|\\.)?\\s+)?(?:" + MONTHS + ")\\.?" +
      "(?:\\s+" + D + "{1,2}(?:st|nd|rd|th)?)?,?(?:\\s+" + D + "{4})?)" + B, "giu");
    RELATIVE = new RegExp(B + "(?:" + COUNT + "\\s+" + UNITS.en + "\\s+ago" +
      "|il\\s+y\\s+a\\s+" + COUNT + "\\s+" + UNITS.fr + "|vor\\s+" + COUNT + "\\s+" + UNITS.de +
      "|hace\\s+" + COUNT + "\\s+" + UNITS.es + "|" + COUNT + "\\s+" + UNITS.it + "\\s+fa" +
      "|" + COUNT + "\\s+" + UNITS.nl + "\\s+geleden|há\\s+" + COUNT + "\\s+" + UNITS.pt +
      "|yesterday|today|just\\s+now|hier|aujourd['’]hui|gestern|heute|ayer|hoy|ieri|oggi" +
      "|gisteren|vandaag|ontem|hoje)" + B, "giu");
  } catch (e) { DATE = RELATIVE = null; }
  var ENUMERATOR = new RegExp("^\\s*(?:\\(?(?:(?:[a-z]\\.)?" + D + "+(?:\\." + D + "+)*(?:\\.[a-z])?|[a-z]|[ivxlc]+)[.)]\\s+)+", "iu");
  var TAG = /<\/?[a-z]+\s*\/?>/giu;
  var DATED_LINE = 200;
  function canonical(text) {
    text = text.normalize("NFKC").replace(ENUMERATOR, "");
    if (text.indexOf("<") >= 0) { text = text.replace(TAG, " "); }
    // Python's casefold: upper then lower case folds "ß" and the like; a final sigma too.
    return text.toUpperCase().toLowerCase().replace(/ς/g, "σ").replace(/[^\p{L}\p{N}]/gu, "");
  }
  function withoutDates(text) { return text.replace(DATE, " DATE ").replace(RELATIVE, " DATE "); }
  function shortKey(text) {
    return Array.from(text).length > DATED_LINE ? "" : canonical(withoutDates(text));
  }
  function readsAsEdit(a, b) {
    // As align.py reads_as_edit; short lines only where pairShort compares them (dates known).
    if (similarity(a, b) >= SIMILAR) { return true; }
    var key = DATE ? shortKey(a) : "";
    return key !== "" && key === shortKey(b);
  }
  function pairShort(oldTexts, newTexts, olds, news) {
    var byKey = new Map(), result = new Map();
    if (!DATE) { return result; }
    olds.forEach(function (i) {
      var key = shortKey(oldTexts[i]);
      if (!key) { return; }
      if (byKey.has(key)) { byKey.get(key).push(i); } else { byKey.set(key, [i]); }
    });
    if (!byKey.size) { return result; }
    news.forEach(function (j) {
      var candidates = byKey.get(shortKey(newTexts[j]));
      if (candidates && candidates.length) { result.set(j, candidates.shift()); }
    });
    return result;
  }

  // ---- Changes (changes.py) ------------------------------------------------------------------
  var LABELS = {
    changed: "Changed", rewritten: "Rewritten", added: "Added", removed: "Removed",
    moved: "Moved", relinked: "Link changed", reformatted: "Formatting changed"
  };
  function sameLinks(x, y) { return JSON.stringify(x) === JSON.stringify(y); }
  function linkChanges(oldLinks, newLinks) {
    if (sameLinks(oldLinks, newLinks)) { return []; }
    var found = [], remaining = newLinks.slice();
    oldLinks.forEach(function (link) {
      var exact = remaining.findIndex(function (n) { return n[0] === link[0] && n[1] === link[1]; });
      var sameText = remaining.findIndex(function (n) { return n[0] === link[0]; });
      if (exact >= 0) { remaining.splice(exact, 1); }
      else if (sameText >= 0) { found.push([link[0], link[1], remaining[sameText][1]]); remaining.splice(sameText, 1); }
      else { found.push([link[0], link[1], ""]); }
    });
    remaining.forEach(function (n) { found.push([n[0], "", n[1]]); });
    return found;
  }
  function describe(oldV, newV, pairs) {
    // As changes.py: a heading is never part of a rewritten passage; it cuts it and stands alone.
    var changes = [], group = [[], []], waiting = [], unchanged = 0;
    function add(change) {
      if (!change) { unchanged++; return; }
      change.unchangedBefore = unchanged; unchanged = 0; changes.push(change);
    }
    function closeGroup() {
      if (!group[0].length && !group[1].length) { return; }
      var o = group[0].map(function (i) { return oldV.texts[i]; }).join("\n\n");
      var n = group[1].map(function (j) { return newV.texts[j]; }).join("\n\n");
      add({ status: "rewritten", old: group[0], new: group[1], segments: wordDiff(o, n), links: [] });
      group = [[], []];
    }
    function takeWaiting(before) {
      while (waiting.length && (before === null || waiting[0] < before)) {
        var i = waiting.shift();
        if (isHeading(oldV, i)) { closeGroup(); add({ status: "removed", old: [i], new: [], segments: [], links: [] }); }
        else { group[0].push(i); }
      }
    }
    pairs.forEach(function (pair) {
      var i = pair[0], j = pair[1], status = pair[2];
      if (status === "rewritten") {
        if (j === null) { waiting.push(i); return; }
        if (i !== null) { takeWaiting(i); }
        else if (isHeading(newV, j)) {
          // A heading put in place of old ones: they go first, but for the one it renames.
          var renamed = renamedHeading(j);
          while (waiting.length && isHeading(oldV, waiting[0])) {
            if (waiting[0] === renamed) { i = waiting.shift(); break; }
            takeWaiting(waiting[0] + 1);
          }
        }
        if (isHeading(newV, j) || (i !== null && isHeading(oldV, i))) {
          closeGroup();
          add(oneChange(i, j, i === null ? "added" : oldV.texts[i] === newV.texts[j] ? "equal" : "changed"));
          return;
        }
        if (i !== null) { group[0].push(i); }
        group[1].push(j);
        return;
      }
      if (status === "equal") { takeWaiting(null); closeGroup(); }
      add(oneChange(i, j, status));
    });
    takeWaiting(null);
    closeGroup();
    return changes;

    function renamedHeading(j) {
      // As changes.py: the first old heading waiting at its place that it reads as an edit of.
      for (var k = 0; k < waiting.length && isHeading(oldV, waiting[k]); k++) {
        if (readsAsEdit(oldV.texts[waiting[k]], newV.texts[j])) { return waiting[k]; }
      }
      return null;
    }
    function oneChange(i, j, status) {
      if (status === "added") { return { status: "added", old: [], new: [j], segments: [], links: [] }; }
      if (status === "removed") { return { status: "removed", old: [i], new: [], segments: [], links: [] }; }
      var links = linkChanges(oldV.links[i], newV.links[j]);
      if (status === "changed") {
        return { status: "changed", old: [i], new: [j], segments: wordDiff(oldV.texts[i], newV.texts[j]), links: links };
      }
      if (status === "moved") { return { status: "moved", old: [i], new: [j], segments: [], links: links }; }
      if (links.length) { return { status: "relinked", old: [i], new: [j], segments: [], links: links }; }
      if (oldV.markup[i] !== newV.markup[j]) { return { status: "reformatted", old: [i], new: [j], segments: [], links: [] }; }
      return null;
    }
  }
  function changeStats(changes, oldV, newV) {
    var stats = { changed: 0, rewritten: 0, added: 0, removed: 0, moved: 0, relinked: 0,
      reformatted: 0, words_added: 0, words_removed: 0 };
    changes.forEach(function (c) {
      stats[c.status]++;
      if (c.status === "added") {
        c.new.forEach(function (j) { stats.words_added += words(newV.texts[j]).length; });
      } else if (c.status === "removed") {
        c.old.forEach(function (i) { stats.words_removed += words(oldV.texts[i]).length; });
      } else if (c.segments.length) {
        stats.words_added += touched(c.segments, "+");
        stats.words_removed += touched(c.segments, "-");
      }
    });
    return stats;
  }

  // ---- A version read back from its page ------------------------------------------------------
  var CLAUSE_ID = /^c[0-9a-f]{7}(-\d+)?$/;
  var MARKUP = { STRONG: "strong_open", EM: "em_open", S: "s_open", A: "link_open", BR: "hardbreak" };
  function readVersion(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = doc.querySelector(".govsite-archived-text");
    var blocks = [];
    var current = null;
    function start(element) {
      var tag = element.tagName, kind = "paragraph0";
      if (/^H[1-6]$/.test(tag)) { kind = "heading" + tag.charAt(1); }
      else if (tag === "TABLE") { kind = "table0"; }
      else if (tag === "CODE") { kind = "code0"; }
      current = { id: element.id, element: element, kind: kind, raw: "", markup: [], links: [],
        strongOnly: null, visible: [] };
      blocks.push(current);
    }
    function walk(node, link) {
      if (node.nodeType === 3) {
        if (current) { current.raw += node.nodeValue; if (link) { link.text += node.nodeValue; } }
        return;
      }
      if (node.nodeType !== 1) { return; }
      var el = node;
      if (el.classList.contains("govsite-marker")) { return; }
      if (el.id && CLAUSE_ID.test(el.id)) { start(el); }
      if (el.classList.contains("govsite-image-alt")) {
        if (current) {
          current.markup.push("image");
          var alt = el.textContent;
          current.raw += alt.length ? alt.slice("[image: ".length, -1) : "";
        }
        return;
      }
      if (current && current.kind !== "code0") {
        var type = el.tagName === "CODE" ? "code_inline" : MARKUP[el.tagName];
        if (type) { current.markup.push(type); }
      }
      var inner = link;
      if (el.tagName === "A" && el.hasAttribute("href") && current) {
        inner = { text: "", href: el.getAttribute("href") };
      }
      for (var child = el.firstChild; child; child = child.nextSibling) { walk(child, inner); }
      if (inner !== link && current) { current.links.push([normalise(inner.text), inner.href]); }
    }
    if (root) { walk(root, null); }
    return {
      blocks: blocks,
      texts: blocks.map(function (b) { return normalise(b.raw); }),
      links: blocks.map(function (b) { return b.links; }),
      markup: blocks.map(function (b) { return b.kind + ":" + b.markup.join(","); })
    };
  }
  function sectionPaths(version) {
    var paths = [], stack = [];
    version.blocks.forEach(function (block, position) {
      var heading = block.kind.indexOf("heading") === 0;
      var level = heading ? Number(block.kind.charAt(7)) : 7;
      if (position === 0 && heading) { paths.push([]); return; }
      if (isHeading(version, position)) {
        // A heading stands in the section it opens (as generator/render/changes.py lists it).
        while (stack.length && stack[stack.length - 1][0] >= level) { stack.pop(); }
        stack.push([level, words(block.raw).join(" ").slice(0, 120)]);
        paths.push(stack.map(function (s) { return s[1]; }));
      } else { paths.push(stack.map(function (s) { return s[1]; })); }
    });
    return paths;
  }
  // A heading, or a paragraph that stands as one (wholly bold and short, as text/views.py).
  function isHeading(version, position) {
    var block = version.blocks[position];
    return block.kind.indexOf("heading") === 0 || (block.kind === "paragraph0" &&
      wholly(block.element) && words(block.raw).length <= 15);
  }
  function wholly(element) {
    var nodes = Array.prototype.filter.call(element.childNodes, function (n) {
      if (n.nodeType === 3) { return n.nodeValue.trim() !== ""; }
      return n.nodeType === 1 && !n.classList.contains("govsite-marker") && !(n.id && !n.textContent);
    });
    return nodes.length === 1 && nodes[0].tagName === "STRONG" &&
      element.querySelectorAll("strong").length === 1;
  }

  // Under node (tests/compare_fixtures.js holds this engine to the Python one on shared
  // fixture files), hand the engine over and stop: there is no page. A browser has no
  // `module`, so this does nothing there.
  if (typeof module === "object" && module !== null && typeof module.exports === "object") {
    module.exports = { normalise: normalise, tokens: tokens, wordDiff: wordDiff,
      touched: touched, align: align, describe: describe, changeStats: changeStats };
    return;
  }

  // ---- The page ------------------------------------------------------------------------------------
  var form = document.querySelector("form.govsite-compare-form");
  if (!form) { return; }
  var recordUrl = form.getAttribute("data-record-url");
  var versionUrl = form.getAttribute("data-version-url");
  var output = document.querySelector(".govsite-compare-result");
  var bySlug = {};
  var current = null;

  var noise = (form.getAttribute("data-noise") || "").split(" ");
  var versions = [];

  function fillPickers(keep) {
    // With "substantive versions only", the pickers leave out versions that bring no new
    // wording (returns, capture failures, dates, links...), but never the ones chosen.
    var only = form.elements.substantive && form.elements.substantive.checked;
    ["from", "to"].forEach(function (name) {
      var select = form.elements[name];
      select.textContent = "";
      versions.forEach(function (v) {
        if (only && noise.indexOf(v.kind) >= 0 && keep.indexOf(v.slug) < 0) { return; }
        var option = element("option", "", v.when + " (" + v.kind.replace(/-/g, " ") + ")");
        option.value = v.slug;
        select.appendChild(option);
      });
    });
  }

  function loadDocument(key, choose) {
    // The document's record lists its versions (this page's URLs come from the site's own).
    return fetch(recordUrl.replace("DOCUMENT", key)).then(function (r) { return r.json(); }).then(function (record) {
      current = key;
      bySlug = {};
      var texts = record.versions.filter(function (v) { return v.blob; });
      versions = texts;
      texts.forEach(function (v) {
        bySlug[v.slug] = { slug: v.slug, when: v.when, recorded: v.recorded, page: versionUrl.replace("DOCUMENT", key).replace("SLUG", v.slug) };
      });
      if (texts.length && choose) {
        choose = [resolve(choose[0]), resolve(choose[1])];
      }
      if (texts.length) {
        var from = choose && bySlug[choose[0]] ? choose[0] : texts[Math.max(0, texts.length - 2)].slug;
        var to = choose && bySlug[choose[1]] ? choose[1] : texts[texts.length - 1].slug;
        fillPickers([from, to]);
        form.elements.from.value = from;
        form.elements.to.value = to;
      } else {
        fillPickers([]);
      }
      return choose;
    });
  }

  // A date that is not a version's slug stands for the text in force that day: the version
  // recorded last on or before its end (UTC), as on the document's page (?at=).
  var resolved = [];
  function resolve(wanted) {
    if (!wanted || bySlug[wanted] || !/^\d{4}-\d{2}-\d{2}$/.test(wanted)) { return wanted; }
    var end = wanted + "T23:59:59Z", found = null;
    Object.keys(bySlug).forEach(function (slug) {
      var v = bySlug[slug];
      if (v.recorded <= end && (!found || v.recorded >= found.recorded)) { found = v; }
    });
    resolved.push(found
      ? wanted + ": the text in force that day is the version of " + found.when + "."
      : wanted + " is before the first version recorded: there is no text for that date.");
    return found ? found.slug : null;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }
  function marked(tag, text, label) {
    var el = document.createElement(tag);  // announced by the stylesheet, as on the pages
    el.textContent = text;
    return el;
  }
  function link(href, text) { var a = element("a", "", text); a.href = href; return a; }
  function unchanged(count) {
    return element("p", "govsite-unchanged", "… " + count + " unchanged " + (count === 1 ? "clause" : "clauses") + " …");
  }
  function summary(stats) {
    var parts = [["changed", "edited"], ["rewritten", "rewritten"], ["added", "added"], ["removed", "removed"],
      ["moved", "moved"], ["relinked", "with links changed"], ["reformatted", "reformatted"]]
      .filter(function (p) { return stats[p[0]]; });
    if (!parts.length) { return "No clause changed."; }
    var total = parts.reduce(function (sum, p) { return sum + stats[p[0]]; }, 0);
    var wordsPart = stats.words_added + stats.words_removed
      ? " (+" + stats.words_added + " / −" + stats.words_removed + " words)" : "";
    if (parts.length === 1) {
      var n = stats[parts[0][0]];
      return n + " " + (n === 1 ? "clause" : "clauses") + " " + parts[0][1] + wordsPart + ".";
    }
    return total + " clauses changed: " + parts.map(function (p) { return stats[p[0]] + " " + p[1]; }).join(", ") + wordsPart + ".";
  }
  function render(from, to, oldV, newV, changes, stats) {
    output.textContent = "";
    resolved.forEach(function (note) { output.appendChild(element("p", "govsite-compare-dates", note)); });
    resolved = [];
    var head = element("p", "govsite-compare-summary");
    head.setAttribute("data-govsite-stats", JSON.stringify(stats));
    head.appendChild(document.createTextNode("From the "));
    head.appendChild(link(from.page, "version of " + from.when));
    head.appendChild(document.createTextNode(" to the "));
    head.appendChild(link(to.page, "version of " + to.when));
    head.appendChild(document.createTextNode(": " + summary(stats)));
    output.appendChild(head);
    var newPaths = sectionPaths(newV), section = null, lastPath = null;
    // As generator/render/changes.py: a removed clause is listed in the later version's
    // section where it was (that of the block before it, unchanged clauses counted).
    var covered = {}, last = -1;
    changes.forEach(function (change) { change.new.forEach(function (j) { covered[j] = true; }); });
    changes.forEach(function (change, index) {
      var here = change.new.length > 0;
      for (var j = last + 1, seen = 0; seen < change.unchangedBefore && j < newPaths.length; j++) {
        if (!covered[j]) { seen++; last = j; }
      }
      var path = here ? newPaths[change.new[0]] : (last >= 0 ? newPaths[last] : []);
      change.new.forEach(function (j) { last = Math.max(last, j); });
      var key = JSON.stringify(path);
      if (section === null || key !== lastPath) {
        if (change.unchangedBefore) { output.appendChild(unchanged(change.unchangedBefore)); }
        section = element("section", "govsite-change-section");
        section.appendChild(element("h3", "govsite-change-path", path.length ? path.join(" › ") : "Beginning of the text"));
        output.appendChild(section);
        lastPath = key;
      } else if (change.unchangedBefore) { section.appendChild(unchanged(change.unchangedBefore)); }
      var box = element("div", "govsite-change govsite-change-" + change.status);
      var label = element("p", "govsite-change-label", LABELS[change.status] + " · ");
      var clause = here ? newV.blocks[change.new[0]].id : oldV.blocks[change.old[0]].id;
      label.appendChild(link((here ? to : from).page + "#" + clause, here ? "in the later version" : "in the earlier version"));
      box.appendChild(label);
      var body = element("div", "govsite-diff");
      if (change.segments.length) {
        change.segments.forEach(function (s) {
          if (s[0] === "+") { body.appendChild(marked("ins", s[1], "inserted")); }
          else if (s[0] === "-") { body.appendChild(marked("del", s[1], "deleted")); }
          else { body.appendChild(document.createTextNode(s[1])); }
        });
      } else if (change.status === "added") {
        body.appendChild(marked("ins", change.new.map(function (j) { return newV.blocks[j].raw.trim(); }).join("\n\n"), "inserted"));
      } else if (change.status === "removed") {
        body.appendChild(marked("del", change.old.map(function (i) { return oldV.blocks[i].raw.trim(); }).join("\n\n"), "deleted"));
      } else {
        body.textContent = change.new.map(function (j) { return newV.blocks[j].raw.trim(); }).join("\n\n");
      }
      box.appendChild(body);
      if (change.links.length) {
        var list = element("ul", "govsite-link-changes");
        change.links.forEach(function (l) {
          list.appendChild(element("li", "", "Link “" + l[0] + "”: " + (l[1] || "(none)") + " → " + (l[2] || "(removed)")));
        });
        box.appendChild(list);
      }
      section.appendChild(box);
    });
    if (!changes.length) { output.appendChild(element("p", "", "No clause changed.")); }
  }
  function fetchText(url) {
    return fetch(url).then(function (r) { if (!r.ok) { throw new Error(url); } return r.text(); });
  }
  function compare(fromSlug, toSlug) {
    var from = bySlug[fromSlug], to = bySlug[toSlug];
    if (!from || !to) { return; }
    output.setAttribute("aria-busy", "true");
    output.textContent = "Comparing…";
    Promise.all([fetchText(from.page), fetchText(to.page)]).then(function (pages) {
      var oldV = readVersion(pages[0]), newV = readVersion(pages[1]);
      var changes = describe(oldV, newV, align(oldV.texts, newV.texts));
      render(from, to, oldV, newV, changes, changeStats(changes, oldV, newV));
      output.removeAttribute("aria-busy");
    }).catch(function () {
      output.textContent = "The versions could not be loaded.";
      output.removeAttribute("aria-busy");
    });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var fromSlug = form.elements.from.value, toSlug = form.elements.to.value;
    var query = "?document=" + encodeURIComponent(current).replace(/%2F/g, "/") +
      "&from=" + encodeURIComponent(fromSlug) + "&to=" + encodeURIComponent(toSlug);
    history.replaceState(null, "", location.pathname + query);
    compare(fromSlug, toSlug);
  });
  if (form.elements.substantive) {
    form.elements.substantive.addEventListener("change", function () {
      var from = form.elements.from.value, to = form.elements.to.value;
      fillPickers([from, to]);
      form.elements.from.value = from;
      form.elements.to.value = to;
    });
  }
  form.elements.document.addEventListener("change", function () {
    output.textContent = "";
    loadDocument(form.elements.document.value, null);
  });
  var params = new URLSearchParams(location.search);
  var wanted = params.get("document");
  if (wanted && !Array.prototype.some.call(form.elements.document.options, function (o) { return o.value === wanted; })) {
    wanted = null;
  }
  if (wanted) { form.elements.document.value = wanted; }
  loadDocument(form.elements.document.value, [params.get("from"), params.get("to")]).then(function (chosen) {
    if (wanted && chosen && bySlug[chosen[0]] && bySlug[chosen[1]]) {
      compare(chosen[0], chosen[1]);
    } else if (resolved.length) {
      output.textContent = "";
      resolved.forEach(function (note) { output.appendChild(element("p", "govsite-compare-dates", note)); });
      resolved = [];
    }
  });
})();
