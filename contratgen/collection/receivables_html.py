"""The page of ``contratgen receivables --html``: one self-contained HTML file (inline
CSS, an inline SVG chart, no script, no link, nothing fetched), dated by the run's day.

The chart: one bar per ageing bucket, its height the amount owed; then a table per
client and the invoices in dispute. Every text from a client file is escaped.
"""
from __future__ import annotations

from decimal import Decimal
from html import escape

from ..domain import formatting as fmt
from .receivables import BUCKETS, DSO_DAYS, Ageing

WORDS = {
    "fr": {"title": "Encours clients au {on}", "not-due": "non échu", "1-30": "1–30 j",
           "31-60": "31–60 j", "61-90": "61–90 j", "over-90": "> 90 j",
           "client": "Client", "total": "Total dû", "interest": "Pénalités / intérêts",
           "indemnity": "Indemnités", "dso": "DSO ({days} j)", "disputed": "Factures en litige",
           "invoice": "Facture", "due": "Échéance", "late": "Jours de retard",
           "reason": "Motif", "none": "aucune", "chart": "Encours par ancienneté"},
    "en": {"title": "Receivables on {on}", "not-due": "not due", "1-30": "1–30 d",
           "31-60": "31–60 d", "61-90": "61–90 d", "over-90": "> 90 d",
           "client": "Client", "total": "Total owed", "interest": "Late interest",
           "indemnity": "Indemnities", "dso": "DSO ({days} d)", "disputed": "Invoices in dispute",
           "invoice": "Invoice", "due": "Due", "late": "Days late", "reason": "Reason",
           "none": "none", "chart": "Receivables by age"},
}
COLOURS = {"not-due": "#4c956c", "1-30": "#f2c14e", "31-60": "#f78154", "61-90": "#d1495b",
           "over-90": "#7b2d26"}
STYLE = """body{font-family:sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}
td.n,th.n{text-align:right}tfoot td{font-weight:bold}svg text{font-size:12px}"""
WIDTH, HEIGHT, BAR, GAP, TOP, BOTTOM = 560, 260, 80, 30, 30, 40


def chart(portfolio: Ageing, lang: str) -> str:
    """An SVG bar chart of the amounts owed per bucket (one ``rect`` per bucket)."""
    words = WORDS[lang]
    amounts = [portfolio.bucket(b) for b in BUCKETS]
    top = max(amounts + [Decimal(1)])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(words["chart"])}">']
    room = HEIGHT - TOP - BOTTOM
    for i, (name, amount) in enumerate(zip(BUCKETS, amounts)):
        height = int(room * amount / top)
        x, y = GAP + i * (BAR + GAP), TOP + room - height
        parts.append(f'<rect id="bar-{name}" x="{x}" y="{y}" width="{BAR}" height="{height}" '
                     f'fill="{COLOURS[name]}" data-amount="{amount:.2f}"/>')
        parts.append(f'<text x="{x + BAR // 2}" y="{y - 6}" text-anchor="middle">'
                     f'{escape(fmt.money(amount, lang))}</text>')
        parts.append(f'<text x="{x + BAR // 2}" y="{HEIGHT - BOTTOM + 18}" '
                     f'text-anchor="middle">{escape(words[name])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _row(cells: list[str], numeric: range, tag: str = "td") -> str:
    return "<tr>" + "".join(f'<{tag}{" class=n" if i in numeric else ""}>{c}</{tag}>'
                            for i, c in enumerate(cells)) + "</tr>"


def _days(value, lang: str) -> str:
    if value is None:
        return "—"
    return str(value).replace(".", ",") if lang == "fr" else str(value)


def _client_table(portfolio: Ageing, lang: str) -> str:
    words, money = WORDS[lang], (lambda v: escape(fmt.money(v, lang)))  # noqa: E731
    head = [words["client"], *(words[b] for b in BUCKETS), words["total"],
            words["interest"], words["indemnity"], words["dso"].format(days=DSO_DAYS)]

    def line(a: Ageing) -> list[str]:
        return [escape(a.name), *(money(a.bucket(b)) for b in BUCKETS), money(a.total),
                money(a.interest), money(a.indemnity), _days(a.dso, lang)]
    numeric = range(1, len(head))
    body = "".join(_row(line(c), numeric) for c in portfolio.clients)
    total = line(portfolio)
    total[0] = words["total"]
    return (f'<table id="clients"><thead>{_row(head, numeric, "th")}</thead>'
            f"<tbody>{body}</tbody><tfoot>{_row(total, numeric)}</tfoot></table>")


def _disputes(portfolio: Ageing, lang: str) -> str:
    words = WORDS[lang]
    if not portfolio.disputed:
        return f"<p>{words['none']}</p>"
    head = [words["client"], words["invoice"], words["due"], words["late"], words["total"],
            words["reason"]]
    rows = "".join(_row([escape(r.client), escape(r.number), fmt.date(r.due, lang),
                         str(r.days_late), escape(fmt.money(r.outstanding, lang)),
                         escape(r.dispute)], range(3, 5)) for r in portfolio.disputed)
    return (f'<table id="disputed"><thead>{_row(head, range(3, 5), "th")}</thead>'
            f"<tbody>{rows}</tbody></table>")


def ageing_html(portfolio: Ageing, lang: str = "fr") -> str:
    """The whole page, as text (UTF-8 when written)."""
    words = WORDS[lang]
    title = escape(words["title"].format(on=fmt.date(portfolio.on, lang)))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{STYLE}</style></head><body>"
            f"<h1>{title}</h1><h2>{escape(words['chart'])}</h2>{chart(portfolio, lang)}"
            f"{_client_table(portfolio, lang)}<h2>{escape(words['disputed'])}</h2>"
            f"{_disputes(portfolio, lang)}</body></html>\n")
