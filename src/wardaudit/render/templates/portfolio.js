(function () {
  "use strict";
  function key(td) {
    var v = td.getAttribute("data-v");
    if (v === null) v = td.textContent.trim();
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }
  function compare(x, y) {
    if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function sortBy(table, i, th) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { var c = compare(key(a.cells[i]), key(b.cells[i])); return asc ? c : -c; });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.addEventListener("click", function () { sortBy(table, i, th); });
    });
  });
  var form = document.getElementById("filters");
  if (!form) return;
  form.addEventListener("change", function () {
    var want = [];
    form.querySelectorAll("select").forEach(function (s) { if (s.value) want.push([s.name, s.value]); });
    var shown = 0;
    Array.prototype.forEach.call(document.getElementById(form.getAttribute("data-table")).tBodies[0].rows, function (r) {
      var ok = want.every(function (w) { return r.getAttribute("data-" + w[0]) === w[1]; });
      r.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("shown").textContent = String(shown);
  });
})();
