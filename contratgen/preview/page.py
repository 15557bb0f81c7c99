"""The preview page: HTML built from a :class:`~.rebuild.Snapshot`, every value escaped.

One page, no framework, nothing fetched from elsewhere (the server's Content-Security-Policy
allows only its own address). ``/app.js`` listens to ``/events`` and swaps ``<main>`` for
``/fragment`` when a rebuild is published, once the new page images are decoded, so the
scroll position stays where it was. Every address carries the session's token (the
server refuses a request without it); the script takes it from the page's own address.

Accessible (checked with axe-core in tests/test_preview_browser.py): the side panel with
the status, the diagnostics and the figures is a labelled region reachable with the
keyboard (it scrolls by itself), the status is announced when it changes, the pages have
their text alternative, the colours keep a contrast of at least 4.5:1.
"""
from __future__ import annotations

from html import escape

from .rebuild import Snapshot

CSS = """
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#e8e8e8;color:#222}
header{position:sticky;top:0;z-index:1;background:#263238;color:#fff;padding:6px 14px;
 display:flex;gap:1em;align-items:baseline}
header h1{font-size:15px;margin:0;font-weight:600}
main{display:flex;gap:16px;padding:16px;align-items:flex-start}
#pages{flex:1 1 auto;display:flex;flex-direction:column;align-items:center;gap:16px}
#pages img{max-width:100%;height:auto;background:#fff;box-shadow:0 1px 4px #0005}
#pages.stale img{opacity:.55}
aside{flex:0 0 360px;position:sticky;top:48px;max-height:calc(100vh - 64px);overflow:auto;
 background:#fff;padding:10px 14px;box-shadow:0 1px 4px #0003}
.status{padding:6px 8px;border-radius:3px;font-weight:600}
.status.ok{background:#e3f4e6;color:#1b5e20}.status.error{background:#fde7e7;color:#b71c1c}
.diagnostics{list-style:none;padding:0;margin:8px 0}
.diagnostics li{border-left:4px solid #b71c1c;padding:4px 8px;margin:6px 0;background:#fafafa}
.diagnostics li.warning{border-color:#e65100}
.where{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.code{font-family:ui-monospace,monospace;color:#4a4a4a}
aside:focus-visible{outline:3px solid #1565c0;outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
td,th{padding:2px 4px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}
tr.ttc td,tr.ttc th{font-weight:700;border-top:1px solid #999}
h2{font-size:14px;margin:14px 0 4px}
th{font-weight:400}
.conn{margin-left:auto;font-size:12px}
.note{font-size:12px;color:#b71c1c;margin:0}
"""

JS = """(function () {
  "use strict";
  var shown = document.body.getAttribute("data-generation");
  var token = new URLSearchParams(window.location.search).get("token") || "";
  function link(path) { return path + "?token=" + encodeURIComponent(token); }
  var conn = document.getElementById("conn");
  var busy = false, wanted = null;
  function swap(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    var waits = Array.prototype.map.call(t.content.querySelectorAll("img"), function (i) {
      var im = new Image(); im.src = i.src;
      return im.decode ? im.decode().catch(function () {}) : Promise.resolve();
    });
    return Promise.all(waits).then(function () {
      var x = window.scrollX, y = window.scrollY;
      var focused = document.activeElement && document.activeElement.id;
      document.querySelector("main").replaceWith(t.content.querySelector("main"));
      window.scrollTo(x, y);
      var again = focused && document.getElementById(focused);
      if (again) { again.focus({preventScroll: true}); }
    });
  }
  function refresh(generation) {
    if (busy) { wanted = generation; return; }
    busy = true;
    fetch(link("/fragment"), {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(swap).then(function () {
        shown = generation; document.body.setAttribute("data-generation", generation);
      }).catch(function () {}).then(function () {
        busy = false;
        if (wanted !== null && wanted !== shown) { var g = wanted; wanted = null; refresh(g); }
      });
  }
  var events = new EventSource(link("/events"));
  events.onopen = function () { conn.textContent = "live"; };
  events.onerror = function () { conn.textContent = "disconnected: retrying"; };
  events.onmessage = function (e) { if (e.data !== shown) { refresh(e.data); } };
})();
"""


def _diagnostic(d) -> str:
    where = f"{d.file}:{d.line}:{d.col}" if d.line else d.file
    return (f'<li class="{escape(d.severity)}"><div class="where">{escape(where)}</div>'
            f'<div><b>{escape(d.severity)}</b>: {escape(d.message)} '
            f'<span class="code">[{escape(d.code)}]</span></div></li>')


def _status(s: Snapshot) -> str:
    if s.generation == 0:
        return '<p class="status" id="status" role="status">building…</p>'
    errors = sum(d.is_error for d in s.diagnostics) + bool(s.failure and not s.ok)
    if s.ok:
        text = f"built at {s.built_at} (rebuild {s.generation})"
        return f'<p class="status ok" id="status" role="status">{escape(text)}</p>'
    kept = (f"showing the last good pages (rebuild {s.pages_generation})"
            if s.pages_generation else "no good build yet")
    text = f"{errors} error{'s' * (errors != 1)} at {s.built_at}: {kept}"
    return f'<p class="status error" id="status" role="status">{escape(text)}</p>'


def _figures(s: Snapshot) -> str:
    if s.summary is None:
        return ""
    m = s.summary
    rows = [f'<tr><th scope="row">HT</th><td class="n" id="total-ht">{escape(m.ht)}</td></tr>']
    rows += [f'<tr><th scope="row">TVA {escape(v.rate)} <small>({escape(v.base)})</small></th>'
             f'<td class="n">{escape(v.amount)}</td></tr>' for v in m.vat_lines]
    rows.append(f'<tr class="ttc"><th scope="row">TTC</th><td class="n" id="total-ttc">'
                f'{escape(m.ttc)}</td></tr>')
    tranches = [f'<tr><td>{t.number}</td><td>{escape(t.label)}<br><small>{escape(t.due)}'
                f'</small></td><td class="n">{escape(t.percent)}</td>'
                f'<td class="n">{escape(t.amount)}</td></tr>' for t in m.schedule]
    stale = "" if s.ok else (f'<p class="note">Figures of rebuild {s.pages_generation}, '
                             'the last good one.</p>')
    return (f'<h2>{escape(m.title)} {escape(m.number)}</h2>{stale}'
            f'<table id="totals" aria-label="Totals">{"".join(rows)}</table>'
            f'<h2 id="schedule-title">Échéancier / Schedule</h2>'
            f'<table id="schedule" aria-labelledby="schedule-title">{"".join(tranches)}'
            f'</table>')


def _pages(s: Snapshot, token: str) -> str:
    stale = " stale" if not s.ok and s.pages else ""
    images = [f'<img src="/page/{s.pages_generation}/{i}.png?token={escape(token)}" '
              f'width="{p.width}" height="{p.height}" alt="page {i} of {len(s.pages)}">'
              for i, p in enumerate(s.pages, 1)]
    empty = "" if images else "<p>No page to show yet.</p>"
    return (f'<section id="pages" class="pages{stale}" aria-label="Pages" data-generation='
            f'"{s.pages_generation}">{"".join(images)}{empty}</section>')


def fragment(s: Snapshot, token: str) -> str:
    """The ``<main>`` element: pages on the left; beside them a panel (a keyboard stop:
    it scrolls) with the status, the diagnostics and the figures."""
    failure = f'<p class="failure">{escape(s.failure)}</p>' if s.failure else ""
    items = "".join(_diagnostic(d) for d in s.diagnostics)
    diagnostics = (f'<h2 id="diagnostics-title">Diagnostics</h2><ul class="diagnostics" '
                   f'id="diagnostics" aria-labelledby="diagnostics-title">{items}</ul>'
                   if items else "")
    return (f'<main data-generation="{s.generation}">{_pages(s, token)}'
            f'<aside id="panel" tabindex="0" aria-label="Status, diagnostics and figures">'
            f'{_status(s)}{failure}{diagnostics}{_figures(s)}</aside></main>')


def page(s: Snapshot, name: str, token: str) -> str:
    """The whole page for the input file ``name``."""
    t = escape(token)
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(name)} · contratgen preview</title>'
            f'<link rel="icon" href="/favicon.ico?token={t}">'
            f'<link rel="stylesheet" href="/app.css?token={t}"></head>'
            f'<body data-generation="{s.generation}"><header><h1>{escape(name)}</h1>'
            f'<span>contratgen preview</span><span class="conn" id="conn" role="status">'
            f'connecting…</span></header>{fragment(s, token)}'
            f'<script src="/app.js?token={t}"></script></body></html>')
