"""The shell of the public pages people open from a QR code or a payment redirect: one self-contained
HTML document (inline CSS, no script, no external asset) that reads well on a 360 px wide phone."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import urlencode

from i18n.format import vnd
from i18n.messages import PAGE_TEXTS, page_text

# Colours keep at least 4.5:1 against their background (WCAG AA); nothing is told by colour alone.
_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:1rem;
line-height:1.5;color:#1a1a1a;background:#f3f4f6}
a{color:#0b4f94}
a:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid #b45309;outline-offset:2px}
header{background:#0b4f94;color:#fff}
.bar{max-width:40rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;
align-items:center;justify-content:space-between}
.brand{margin:0;font-weight:700;font-size:1.1rem}
.brand small{display:block;font-weight:400;font-size:.8rem}
header a{color:#fff;font-weight:600;padding:.5rem .75rem;border:2px solid #fff;border-radius:.5rem;
text-decoration:none;display:inline-block;min-height:44px}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
section,.card{background:#fff;border:1px solid #d1d5db;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
dl{margin:0}
dt{font-weight:600;color:#374151;font-size:.9rem}
dd{margin:0 0 .75rem;overflow-wrap:anywhere}
dd:last-child{margin-bottom:0}
.badge{display:inline-block;font-weight:700;border:2px solid currentColor;border-radius:1rem;
padding:0 .6rem;color:#0b4f94}
.ok{color:#14532d}.bad{color:#991b1b}
.notice{font-weight:600;border-left:.35rem solid currentColor;padding:.5rem .75rem;background:#fff;margin:0 0 1rem}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{position:relative;padding:0 0 1rem 1.75rem;border-left:2px solid #9ca3af;margin-left:.5rem}
.timeline li:last-child{border-left-color:transparent;padding-bottom:0}
.timeline li::before{content:"";position:absolute;left:-.5rem;top:.3rem;width:.75rem;height:.75rem;
border-radius:50%;background:#fff;border:2px solid #4b5563}
.timeline li[aria-current]::before{background:#0b4f94;border-color:#0b4f94}
.timeline .step{display:block;font-weight:600}
.timeline time{color:#374151;font-size:.9rem}
.current{display:block;font-size:.85rem;font-weight:700}
ul.papers{margin:.25rem 0 0;padding-left:1.25rem}
.nowrap{white-space:nowrap}
section p{margin:0 0 .5rem}section p:last-child{margin:0}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
.hint{display:block;font-weight:400;font-size:.85rem;color:#374151}
input{width:100%;font:inherit;padding:.6rem;border:2px solid #4b5563;border-radius:.4rem}
button{margin-top:1rem;font:inherit;font-weight:700;color:#fff;background:#0b4f94;border:0;border-radius:.5rem;
padding:.7rem 1.25rem;min-height:44px}
footer{max-width:40rem;margin:0 auto;padding:0 1rem 2rem;font-size:.9rem;color:#374151}
footer p{margin:.25rem 0}
"""


def money(amount: int, locale: str) -> str:
    """An amount as HTML that never wraps between the number and its currency."""
    return f'<span class="nowrap">{escape(vnd(amount, locale))}</span>'


def page_html(key: str, locale: str, **html: str) -> str:
    """A page text as HTML, its parameters given as HTML already escaped."""
    return escape(PAGE_TEXTS[key].pick(locale)).format(**html)


def switch_query(params: Mapping[str, str | None], locale: str) -> str:
    """The query of the same page in the other language (the path stays, so links are relative)."""
    kept = {k: v for k, v in params.items() if v and k != "lang"}
    return "?" + urlencode({**kept, "lang": "en" if locale == "vi" else "vi"})


def page(locale: str, title: str, body: str, *, switch: str, hotline: str | None = None) -> str:
    """A whole page; `title` is plain text, `body` HTML whose user-supplied parts are already escaped."""
    other = "en" if locale == "vi" else "vi"
    help_line = f"<p>{escape(page_text('help', locale, hotline=hotline))}</p>" if hotline else ""
    return f"""<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>{escape(title)} · {page_text("site", locale)}</title>
<style>{_CSS}</style></head>
<body><header><div class="bar"><p class="brand">{page_text("site", locale)}
<small>{page_text("site-tagline", locale)}</small></p>
<nav aria-label="{page_text("language", locale)}"><a href="{escape(switch)}" hreflang="{other}" lang="{other}">\
{page_text("switch-to", locale)}</a></nav></div></header>
<main><h1>{escape(title)}</h1>
{body}</main>
<footer>{help_line}<p>{page_text("privacy", locale)}</p></footer></body></html>"""
