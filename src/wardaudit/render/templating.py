"""The render layer's one Jinja2 environment: templates and stylesheets under render/templates/.

Autoescape is on and every ``{{ value }}`` goes through :func:`_escaped` (the environment's
``finalize``): text from a report, a check or a parameters file always shows literally, quotes
included, so it is safe in element text and in attribute values alike. Macros hand back markup
that is not escaped twice. The entities are those of the pages made before the templates
(``&quot;`` and ``&#x27;`` for the quotes), so a page's bytes did not change with the move.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

__all__ = ["environment", "macros", "marked", "stylesheet_text"]

# markupsafe writes the quotes as &#34; and &#39;; the pages have always carried &quot; and &#x27;
_QUOTE_ENTITIES = (("&#34;", "&quot;"), ("&#39;", "&#x27;"))


def _escaped(value: Any) -> Markup:
    """A value as page text: markup from a macro as it is, None as nothing, anything else escaped."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = str(escape(value))
    for entity, page_entity in _QUOTE_ENTITIES:
        text = text.replace(entity, page_entity)
    return Markup(text)


def marked(pieces: Any) -> Markup:
    """A block's or cell's text with its checked figures marked (the pieces: render.placement's segments): a
    plain piece as text, a marked one in a span saying what was checked (its title), the rules and a tick or
    a cross. Python, not a macro: it is called for every block and table cell of the report's source view."""
    out = []
    for p in pieces:
        if p.mark is None:
            out.append(_escaped(p.text))
            continue
        failed = p.failed
        out.append(f'<span class="{"mark-fail" if failed else "tick"}" title="{_escaped(p.title)}" tabindex="0" '
                   f'data-rules="{_escaped(p.rules)}">{_escaped(p.text)}<span class="sym" aria-hidden="true">'
                   f'{"✗" if failed else "✓"}</span></span>')
    return Markup("".join(out))


def _css_string(value: Any) -> str:
    """A string inside CSS ``content: "…"``: no quote, backslash or newline can end it early."""
    return re.sub(r'["\\<>\n]', " ", str(value))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The environment (built once per process; it keeps no state between renders)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("wardaudit.render", "templates"), autoescape=True,
                             keep_trailing_newline=True, finalize=_escaped, undefined=jinja2.StrictUndefined)
    env.filters["css_string"] = _css_string
    env.globals["marked"] = marked
    return env


def macros(name: str = "ward.html.j2") -> Any:
    """The macros of one template, callable from Python (each returns markup)."""
    return environment().get_template(name).module


def stylesheet_text(name: str) -> str:
    """A stylesheet of render/templates/ as text (``ward.css``, ``print.css``, ``page.css``)."""
    env = environment()
    return env.loader.get_source(env, name)[0]
