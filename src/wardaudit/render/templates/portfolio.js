(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // --- the rows past the first ones, built from their data as portfolio_macros.html.j2's ward_row writes them
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    (attrs || []).forEach(function (a) { e.setAttribute(a[0], a[1]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function pct(x) { return Math.round(100 * x) + "%"; }
  function buildRows(table, data) {
    var body = table.tBodies[0], words = data.words;
    data.rows.forEach(function (rec) {
      var r = {};
      data.fields.forEach(function (f, i) { r[f] = rec[i]; });
      var province = data.provinces[r.province], period = data.periods[r.period];
      var page = data.prefix + encodeURIComponent(r.slug) + ".html";
      var name = [r.html ? el("a", [["href", page]], [r.ward]) : r.ward];
      if (r.letter) name.push(" ", el("a", [["class", "letter small"], ["href", data.prefix + encodeURIComponent(r.letter)]], [words.letter]));
      if (r.old_text) name.push(" ", el("span", [["class", "small muted"]], ["(" + r.old_text + ")"]));
      if (r.reason) name.push(el("br"), el("span", [["class", "small"]], [r.reason]));
      if (r.unread_text) name.push(el("br"), el("span", [["class", "small unread"], ["title", r.unread_title]], [r.unread_text]));
      var cells = [el("td", [["class", "n"]], [String(r.rank)]), el("td", [["data-v", r.ward]], name)];
      if (data.with_province) cells.push(el("td", [], [province[1]]));
      cells.push(el("td", [], [r.level]), el("td", [["data-v", period[0]]], [period[1]]),
                 el("td", [["class", "state"]], [words["state_" + r.state]]));
      if (r.main_id) {
        var title = data.titles[r.main_rule];
        var main = [r.html ? el("a", [["href", page + "#f-" + r.main_id]], [title]) : title];
        if (r.main_more) main.push(" ", el("span", [["class", "small muted"]], [fill(words.main_more, {n: r.main_more})]));
        cells.push(el("td", [["class", "main sev-" + r.main_severity]], main));
      } else {
        cells.push(el("td", [["class", "main"]]));
      }
      cells.push(
        el("td", [["class", "n" + (r.open_errors ? " bad" : "")], ["title", fill(words.tip_errors, {open: r.open_errors,
          total: r.error, confirmed: r.confirmed, query: r.query, dismissed: r.dismissed})]], [String(r.open_errors)]),
        el("td", [["class", "n"], ["title", fill(words.tip_warnings, {open: r.open_warnings, total: r.warning, info: r.info})]],
           [String(r.open_warnings)]),
        el("td", [["class", "n"], ["data-v", String(r.unchecked_share)],
                  ["title", fill(words.tip_unchecked, {n: r.unchecked, ran: r.ran, pct: pct(r.unchecked_share)})]],
           [pct(r.unchecked_share)]));
      body.appendChild(el("tr", [["class", "st-" + r.state], ["id", "ward-" + r.slug], ["data-province", province[0]],
                                 ["data-level", r.level], ["data-period", period[0]], ["data-status", r.state]], cells));
    });
  }
  var wards = document.getElementById("wards"), more = document.getElementById("wards-data");
  if (wards && more) buildRows(wards, JSON.parse(more.textContent));

  // --- sorting: a button in each column header, reachable with the keyboard; aria-sort says the order
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
    each(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { var c = compare(key(a.cells[i]), key(b.cells[i])); return asc ? c : -c; });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    each(table.tHead.rows[0].cells, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, i, th); });
    });
  });

  // --- search (with or without diacritics) and filters
  var form = document.getElementById("filters");
  if (!form) return;
  function plain(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  var table = document.getElementById(form.getAttribute("data-table"));
  var text = new Map();
  each(table.tBodies[0].rows, function (r) {
    text.set(r, plain(r.textContent + " " + r.id.slice(5)));  // what the row reads, and the ward's folder
  });
  function apply() {
    var want = [];
    form.querySelectorAll("select").forEach(function (s) { if (s.value) want.push([s.name, s.value]); });
    var q = plain(form.querySelector("input[name=q]").value.trim());
    var shown = 0;
    each(table.tBodies[0].rows, function (r) {
      var ok = want.every(function (w) { return r.getAttribute("data-" + w[0]) === w[1]; }) &&
        (!q || text.get(r).indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown += 1;
    });
    document.getElementById("shown").textContent = String(shown);
  }
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
