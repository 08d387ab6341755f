"""The tracking page and its lookup form as HTML; every value from the database or the request is escaped."""

from __future__ import annotations

from html import escape

from api.tracking.models import NextStep, TrackingPage
from i18n.format import date_time, short_date
from i18n.html import money, page, page_html, switch_query
from i18n.messages import page_text


def _row(label: str, value_html: str) -> str:
    return f"<dt>{escape(label)}</dt><dd>{value_html}</dd>"


def _fee(view: TrackingPage, locale: str) -> str:
    if view.fee == 0:
        return escape(page_text("track-fee-none", locale))
    return page_html("track-fee-paid" if view.paid else "track-fee-due", locale, amount=money(view.fee, locale))


def _next(view: TrackingPage, locale: str) -> str:
    t = view.tracking
    text = page_html(view.next.value, locale, amount=money(view.fee, locale), agency=escape(t.agency.name))
    body = f"<p>{text}</p>"
    if view.next is NextStep.SUPPLEMENT and view.missing:
        papers = "".join(f"<li>{escape(name)}</li>" for name in view.missing)
        body += f"<p>{page_text('next-supplement-list', locale)}</p><ul class='papers'>{papers}</ul>"
    return f"<section aria-labelledby='next'><h2 id='next'>{page_text('track-next', locale)}</h2>{body}</section>"


def _timeline(view: TrackingPage, locale: str) -> str:
    steps = view.tracking.history
    items = []
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        current = f" <span class='current'>({page_text('track-current', locale)})</span>" if last else ""
        items.append(
            f"<li{' aria-current=step' if last else ''}><span class='step'>{escape(step.status_label)}{current}</span>"
            f"<time datetime='{step.at.isoformat()}'>{date_time(step.at, locale)}</time></li>"
        )
    return (
        f"<section aria-labelledby='history'><h2 id='history'>{page_text('track-history', locale)}</h2>"
        f"<ol class='timeline'>{''.join(items)}</ol></section>"
    )


def tracking(view: TrackingPage, locale: str, *, switch: str, hotline: str) -> str:
    t = view.tracking
    appointment = short_date(t.appointment_date, locale) if t.appointment_date else page_text("track-none", locale)
    summary = "".join(
        (
            _row(page_text("track-code", locale), escape(t.code)),
            _row(page_text("track-procedure", locale), escape(t.procedure.name)),
            _row(page_text("track-agency", locale), escape(t.agency.name)),
            _row(page_text("track-status", locale), f"<span class='badge'>{escape(t.status_label)}</span>"),
            _row(page_text("track-appointment", locale), escape(appointment)),
            _row(page_text("track-fee", locale), _fee(view, locale)),
            _row(page_text("track-applicant", locale), escape(t.applicant_name)),
        )
    )
    body = (
        f"<section aria-labelledby='summary'><h2 id='summary'>{page_text('track-summary', locale)}</h2>"
        f"<dl>{summary}</dl></section>{_next(view, locale)}{_timeline(view, locale)}"
    )
    return page(locale, page_text("track-title", locale), body, switch=switch, hotline=hotline)


def _lookup_form(locale: str) -> str:
    """Empty on purpose: a page that echoed the code typed would tell a wrong key from an unknown code."""
    return f"""<section aria-labelledby="lookup"><h2 id="lookup">{page_text("lookup-title", locale)}</h2>
<form method="get" action="/t"><input type="hidden" name="lang" value="{locale}">
<label for="code">{page_text("track-code", locale)}
<span class="hint" id="code-hint">{page_text("lookup-code-hint", locale)}</span></label>
<input id="code" name="code" required autocomplete="off" autocapitalize="characters" aria-describedby="code-hint">
<label for="key">{page_text("lookup-key", locale)}
<span class="hint" id="key-hint">{page_text("lookup-key-hint", locale)}</span></label>
<input id="key" name="key" required autocomplete="off" autocapitalize="characters" maxlength="16"
aria-describedby="key-hint">
<button type="submit">{page_text("lookup-submit", locale)}</button></form></section>"""


def not_found(locale: str, *, hotline: str) -> str:
    body = f"<p class='notice bad' role='alert'>{page_text('track-not-found-detail', locale)}</p>{_lookup_form(locale)}"
    return page(locale, page_text("track-not-found", locale), body, switch=switch_query({}, locale), hotline=hotline)


def lookup(locale: str, *, hotline: str) -> str:
    return page(
        locale, page_text("track-title", locale), _lookup_form(locale), switch=switch_query({}, locale), hotline=hotline
    )
