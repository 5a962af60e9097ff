// diptych search: loads this language's search index and lists the pages that match
// every word typed (prefixes count). No dependencies; works on any static host.
// The page needs <form data-search-index="…" data-search-results="ID"
// data-search-status="ID"> with an <input name="q">; the status element carries the
// texts in data-none, data-one and data-some ("{n}" is replaced by the count).
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-index]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById(form.getAttribute("data-search-results"));
  var status = document.getElementById(form.getAttribute("data-search-status"));
  var index = null;
  var words = [];
  var MAX = 50;

  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function terms(q) {
    return fold(q).split(/[^\p{L}\p{N}]+/u).filter(function (w) {
      return w.length > 1 && index.stop.indexOf(w) < 0;
    });
  }

  // Page id -> score for one term: 2 for a whole word, 1 for a prefix.
  function hits(term) {
    var found = {};
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (w.lastIndexOf(term, 0) !== 0) continue;
      var s = w === term ? 2 : 1;
      var gaps = index.words[w];
      for (var j = 0, id = 0; j < gaps.length; j++) {
        id += gaps[j];
        found[id] = Math.max(found[id] || 0, s);
      }
    }
    return found;
  }

  function search(q) {
    var ts = terms(q);
    if (!ts.length) return [];
    var score = hits(ts[0]);
    for (var t = 1; t < ts.length; t++) {
      var more = hits(ts[t]);
      var both = {};
      for (var id in score) if (more[id]) both[id] = score[id] + more[id];
      score = both;
    }
    var ids = Object.keys(score).map(Number);
    ids.forEach(function (id) {
      var title = fold(index.pages[id][0]);
      ts.forEach(function (t) { if (title.indexOf(t) >= 0) score[id] += 3; });
    });
    return ids.sort(function (a, b) { return score[b] - score[a] || a - b; });
  }

  function show() {
    var q = input.value;
    list.textContent = "";
    if (!q.trim()) { status.textContent = ""; return; }
    var ids = search(q);
    var key = ids.length === 0 ? "data-none" : ids.length === 1 ? "data-one" : "data-some";
    status.textContent = (status.getAttribute(key) || "").replace("{n}", String(ids.length));
    ids.slice(0, MAX).forEach(function (id) {
      var p = index.pages[id];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p[1];
      a.textContent = p[0];
      li.appendChild(a);
      if (p[2]) {
        var d = document.createElement("p");
        d.textContent = p[2];
        li.appendChild(d);
      }
      list.appendChild(li);
    });
  }

  var q = new URLSearchParams(window.location.search).get("q");
  if (q) input.value = q;
  fetch(form.getAttribute("data-search-index"))
    .then(function (r) { return r.json(); })
    .then(function (data) {
      index = data;
      words = Object.keys(data.words);
      show();
    });
  input.addEventListener("input", function () {
    if (index) show();
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (index) show();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url.toString());
  });
})();
