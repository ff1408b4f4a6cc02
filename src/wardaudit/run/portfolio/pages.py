"""Render the index and province pages from their views with Jinja2 (autoescape).

Each page is self-contained: its style inline, and one small inline script (sorting and
filtering, templates/portfolio.js) that the page's Content-Security-Policy allows by its SHA-256
hash and nothing else; no request leaves the page. :func:`render_page` is a pure function of its
arguments, so it runs the same in this process, a worker process or on a Dask worker.
"""
from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from wardaudit.run.portfolio.words import word

TEMPLATES = {"index": "index.html.j2", "province": "province.html.j2"}
TEMPLATE_FILES = ("portfolio_base.html.j2", "portfolio_macros.html.j2", "index.html.j2", "province.html.j2",
                  "portfolio_trend.html.j2", "portfolio.css", "portfolio.js")


def _read(name: str) -> str:
    return resources.files("wardaudit.render").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def assets() -> tuple[str, str, str]:
    """(css, script, csp): the script is allowed by its hash alone."""
    css, script = _read("portfolio.css"), _read("portfolio.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "base-uri 'none'; form-action 'none'; connect-src 'none'")
    return css, script, csp


@lru_cache(maxsize=1)
def templates_digest() -> str:
    """A hash of the page templates, style and script: a change re-renders every page."""
    h = hashlib.sha256()
    for name in TEMPLATE_FILES:
        h.update(f"{name}\t{_read(name)}\n".encode())
    return h.hexdigest()


def environment() -> Any:
    """The render layer's one Jinja2 environment (autoescape, every value escaped)."""
    from wardaudit.render.templating import environment as render_environment
    return render_environment()


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element (the page's
    running head names a province and a period: text the page does not control)."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;()/–-·_+":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def render_page(kind: str, view: dict[str, Any], lang: str, stamp: str) -> str:
    """The HTML of one page: ``kind`` is "index" or "province", ``view`` its data
    (:mod:`wardaudit.run.portfolio.views`), ``stamp`` the time it was made (shown in the footer)."""
    css, script, csp = assets()

    def w(key: str, **fmt: object) -> str:
        return word(key, lang, **fmt)

    template = environment().get_template(TEMPLATES[kind])
    stamp = word("run_stamp", lang, stamp=stamp)
    head = css_string(view.get("running_head") or view.get("title") or "")
    more = view.get("more")
    return template.render(**{**view, "running_head": head, "more": script_json(more) if more else None},
                           lang=lang, w=w, css=css, script=script, csp=csp, stamp=stamp,
                           stamp_css=css_string(stamp)) + "\n"


def script_json(data: Any) -> str:
    """``data`` as JSON to sit in a ``<script type="application/json">``: UTF-8 (a third of the bytes of
    ``\\u`` escapes for Vietnamese), compact, and no ``<``, ``>`` or ``&`` that could end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_task(task: tuple[str, str, dict[str, Any], str, str]) -> tuple[str, str]:
    """(target, html) for a (target, kind, view, lang, stamp) task: what a pool or Dask worker runs."""
    target, kind, view, lang, stamp = task
    return target, render_page(kind, view, lang, stamp)
