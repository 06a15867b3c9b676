"""The theme summary as one self-contained HTML file: no network, no CDN, no external file.

A theme table, a heatmap of theme x stakeholder group, a section per group with its quotes, and a
filter box (also set from the address: report.html#filter=court, so a filtered view can be shared)."""

from __future__ import annotations

from html import escape
from typing import Callable

from ..analysis.matrix import Matrix
from ..analysis.summary import Summary
from .summary import group_title

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #305496;padding-bottom:.2rem}
.meta{color:#5b6775}
#filter{font-size:1rem;padding:.4rem .6rem;width:22rem;max-width:100%;margin:.5rem 0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #c9d1db;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#305496;color:#fff}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.heatmap td.n{min-width:4.5rem;text-align:center}
article{margin:0 0 1rem 0}article h3{font-size:1.05rem;margin:.8rem 0 .2rem}
blockquote{margin:.3rem 0 .3rem 1.2rem;font-style:italic}cite{font-style:normal;color:#5b6775}
[hidden]{display:none!important}
figure.plot{margin:0 0 1.5rem 0}figure.plot svg{max-width:100%;height:auto}
"""

SCRIPT = """
(function(){
  var box=document.getElementById('filter');
  function apply(){
    var q=box.value.trim().toLowerCase(), shown=0;
    document.querySelectorAll('[data-filter]').forEach(function(el){
      var hit=!q||el.getAttribute('data-filter').indexOf(q)!==-1;
      if(hit){el.removeAttribute('hidden');shown++;}else{el.setAttribute('hidden','');}
    });
    document.getElementById('shown').textContent=q?(shown+' matching'):'';
  }
  box.addEventListener('input',apply);
  var m=/[#&]filter=([^&]*)/.exec(location.hash);
  if(m){box.value=decodeURIComponent(m[1].replace(/\\+/g,' '));}
  apply();
})();
"""


def _heat(value: float, top: float) -> str:
    if not value or not top:
        return "background:#f5f7fa;color:#9aa5b1"
    strength = 0.15 + 0.85 * value / top
    return f"background:rgba(48,84,150,{strength:.2f});color:{'#fff' if strength > 0.55 else '#1d2733'}"


def _heatmap(m: Matrix, e) -> str:
    """The matrix as a table whose cells are shaded by value: a heatmap that needs no script."""
    top = max((v for row in m.cells for v in row), default=0)
    rows = ['<table class="heatmap" id="heatmap"><thead><tr><th></th>' +
            "".join(f"<th>{e(c)}</th>" for c in m.col_labels) + "</tr></thead><tbody>"]
    for label, row in zip(m.row_labels, m.cells):
        if not any(row):
            continue
        cells = "".join(f'<td class="n" style="{_heat(v, top)}">{int(v) if float(v).is_integer() else v}</td>' for v in row)
        rows.append(f'<tr data-filter="{e(label.lower())}"><td>{e(label)}</td>{cells}</tr>')
    return "".join(rows) + "</tbody></table>"


def _page(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{escape(title)}</title>", f"<style>{STYLE}</style></head><body>", *body,
                      f"<script>{SCRIPT}</script></body></html>"]) + "\n"


def matrix_html(m: Matrix, scrub: Callable[[str], str] = lambda t: t) -> str:
    e = lambda text: escape(scrub(str(text)))  # noqa: E731
    title = f"{m.rows} x {m.cols} ({'%' if m.percent else m.count})"
    return _page(title, [f"<h1>{e(title)}</h1>",
                         '<label>Filter rows: <input id="filter" type="search"></label> <span id="shown" class="meta"></span>',
                         _heatmap(m, e)])


def table_html(title: str, rows: list[list], scrub: Callable[[str], str] = lambda t: t,
               figures: list[tuple[str, bytes]] = ()) -> str:
    """A self-contained page: a title, a filterable table (first row the header), SVG figures."""
    e = lambda text: escape(scrub(str(text)))  # noqa: E731
    head = "".join(f"<th>{e(h)}</th>" for h in rows[0])
    number = ' class="n"'
    body = "".join(f'<tr data-filter="{e(" ".join(map(str, r)).lower())}">' +
                   "".join(f'<td{number if str(v).isdigit() else ""}>{e(v)}</td>' for v in r) + "</tr>"
                   for r in rows[1:])
    parts = [f"<h1>{e(title)}</h1>", '<label>Filter rows: <input id="filter" type="search"></label> '
             '<span id="shown" class="meta"></span>', f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    return _page(title, parts + _figures(figures, e))


def _figures(figures, e) -> list[str]:
    out = []
    for title, svg in figures:
        markup = svg.decode("utf-8")
        markup = markup[markup.index("<svg"):]  # drop the XML prologue: the SVG is inline
        out.append(f'<h2>{e(title)}</h2><figure class="plot">{markup}</figure>')
    return out


def summary_html(s: Summary, m: Matrix | None = None, scrub: Callable[[str], str] = lambda t: t,
                 figures: list[tuple[str, bytes]] = ()) -> str:
    """`figures`: (title, SVG bytes) drawn inline, so the file stays self-contained."""
    e = lambda text: escape(scrub(str(text)))  # noqa: E731
    parts = ["<h1>Key themes by stakeholder group</h1>",
             f'<p class="meta">Codebook: {e(s.codebook)} (version {e(s.codebook_version)}); coded by '
             f'{e(s.coded_by)}; unit: {e(s.unit)}.</p>',
             '<label>Filter themes and quotes: <input id="filter" type="search" placeholder="a word, a theme, a role"></label> '
             '<span id="shown" class="meta"></span>']
    # Theme table.
    parts.append('<h2>Theme table</h2><table id="themes"><thead><tr><th>Group</th><th>Theme</th><th>Gloss</th>'
                 '<th>Participants</th><th>Segments</th></tr></thead><tbody>')
    for g in s.groups:
        for t in g.themes:
            key = f"{g.label} {t.label} {t.gloss} " + " ".join(q.text + " " + q.attribution for q in t.quotes)
            parts.append(f'<tr data-filter="{e(key.lower())}"><td>{e(g.label)}</td><td>{e(t.label)}</td><td>{e(t.gloss)}</td>'
                         f'<td class="n">{t.participants} of {t.participants_in_group}</td><td class="n">{t.segments}</td></tr>')
    parts.append("</tbody></table>")
    if m is not None and m.row_ids:
        parts.append(f"<h2>Heatmap: themes by stakeholder group ({e(m.count)})</h2>")
        parts.append(_heatmap(m, e))
    parts += _figures(figures, e)
    # Sections with quotes.
    for g in s.groups:
        parts.append(f'<section id="group-{e(g.id or "none")}"><h2>{e(group_title(g.label))}</h2>')
        if not g.transcripts:
            parts.append("<p>No transcripts from this group yet.</p></section>")
            continue
        if not g.themes:
            parts.append("<p>No themes coded yet.</p></section>")
            continue
        for t in g.themes:
            key = f"{g.label} {t.label} {t.gloss} " + " ".join(q.text + " " + q.attribution for q in t.quotes)
            parts.append(f'<article data-filter="{e(key.lower())}"><h3>{e(t.label)}</h3><p>{e(t.gloss)} Raised by '
                         f'{t.participants} of {t.participants_in_group} participants ({t.segments} coded segment'
                         f'{"s" if t.segments != 1 else ""}).</p>')
            for q in t.quotes:
                parts.append(f"<blockquote>“{e(q.text)}” <cite>({e(q.attribution)})</cite></blockquote>")
            parts.append("</article>")
        parts.append("</section>")
    return _page("Key themes by stakeholder group", parts)
