"""The page body as nbconvert's HTML exporter leaves it, written in one pass instead of a parse tree.

nbconvert's :class:`~nbconvert.HTMLExporter` ends every export by parsing the whole body with
BeautifulSoup (``html.parser``) and writing it back, to add an ``alt`` text to images that lack one. On a
ward page that round trip costs more than the rest of the export: every tag of the report's text
(thousands of tick marks) becomes an object. Writing it back is a function of the tags, in order: sorted
attributes, ``&``, ``<`` and ``>`` escaped, character references resolved, a text of spaces alone made one
space or one line break (outside ``pre`` and ``textarea``), void tags closed as ``<br/>``, the contents of
``style`` and ``script`` as they are. :func:`canonical_html` does that while reading the tags with the
standard library's parser; for anything it does not know to be written the same way (a tag left open or
closed out of order, a rare character reference, a declaration), it answers None and the exporter takes
nbconvert's own path. ``tests/unit/test_canonical.py`` holds the two to the same bytes.
"""
from __future__ import annotations

import functools
import re
from html import unescape
from html.entities import name2codepoint
from html.parser import HTMLParser

__all__ = ["MISSING_ALT", "by_html_parser", "by_tokens", "canonical_html"]

#: what nbconvert's exporter gives an image without an ``alt``
MISSING_ALT = "No description has been provided for this image"
_VOID = frozenset("area base basefont bgsound br col command embed frame hr image img input isindex keygen link "
                  "menuitem meta nextid param source spacer track wbr".split())
_MULTI = frozenset({"class", "rel", "rev", "accept-charset", "headers", "accesskey", "dropzone"})
_RAW = frozenset({"script", "style"})
_KEEP_SPACE = frozenset({"pre", "textarea"})
_SPACES = "\x20\x0a\x09\x0c\x0d"
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\xa0"}


class _Unsure(Exception):
    """Input whose written-back form this module does not reproduce: the caller takes the slow path."""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(name: str, value: str | None) -> str:
    if value is None:
        return f" {name}"
    if name in _MULTI:
        value = " ".join(value.split())
    value = _escape(value)
    quote = '"'
    if '"' in value:
        if "'" in value:
            value = value.replace('"', "&quot;")
        else:
            quote = "'"
    return f" {name}={quote}{value}{quote}"


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag as written back: attributes sorted, escaped and quoted; a void tag closed."""
    found: dict[str, str | None] = {}
    for k, v in attrs:
        found[k] = "" if v is None else v  # html.parser gives None for a bare name; bs4 keeps ''
    if tag == "img" and "alt" not in found:
        found["alt"] = MISSING_ALT
    return f"<{tag}{''.join(_attribute(k, v) for k, v in sorted(found.items()))}" + ("/>" if tag in _VOID else ">")


class _Writer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []
        self.keep = 0  # how many of the open tags keep their spaces (pre, textarea)

    def _flush(self) -> None:
        if not self.text:
            return
        data = "".join(self.text)
        self.text = []
        if not self.keep and not data.strip(_SPACES):  # a text of spaces alone
            data = "\n" if "\n" in data else " "
        self.out.append(data if self.open and self.open[-1] in _RAW else _escape(data))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.written_start(tag, _start_tag(tag, attrs))

    def written_start(self, tag: str, written: str) -> None:
        """A start tag already written back (:func:`_start_tag`)."""
        self._flush()
        self.out.append(written)
        if tag not in _VOID:
            self.open.append(tag)
            if tag in _KEEP_SPACE:
                self.keep += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            raise _Unsure(tag)
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        if tag in _VOID or not self.open or self.open[-1] != tag:
            raise _Unsure(tag)
        self.open.pop()
        if tag in _KEEP_SPACE:
            self.keep -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED and name not in name2codepoint:
            raise _Unsure(name)
        self.text.append(_NAMED.get(name) or chr(name2codepoint[name]))

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        if 0x80 <= code < 0xA0 or code < 0x20 and code not in (9, 10, 13) or 0xD800 <= code < 0xE000 \
                or code > 0x10FFFF:
            raise _Unsure(name)  # windows-1252 guesses and other repairs
        self.text.append(chr(code))

    def handle_comment(self, data: str) -> None:
        self._flush()
        if not self.keep and not data.strip(_SPACES):
            # an empty one too: BeautifulSoup treats a comment's text as a string of spaces
            data = "\n" if "\n" in data else " "
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        raise _Unsure(decl)

    def handle_pi(self, data: str) -> None:
        raise _Unsure(data)

    def unknown_decl(self, data: str) -> None:
        raise _Unsure(data)


_WS = "[ \t\n\r\f]"
# the markup a page body is made of, token by token; at any other character the tokens stop
_TOKEN = re.compile(
    rf"<(?P<tag>[a-z][a-z0-9]*)(?P<attrs>(?:{_WS}+[a-z_][-a-z0-9_:.]*(?:=\"[^\"]*\"|='[^']*')?)*){_WS}*(?P<close>/?)>"
    r"|</(?P<end>[a-z][a-z0-9]*)>"
    r"|<!--(?P<comment>(?:[^-]|-(?!-))*)-->"
    r"|&(?P<ent>[a-zA-Z][a-zA-Z0-9]*);"
    r"|&#(?P<num>[0-9]+|[xX][0-9a-fA-F]+);"
    r"|(?P<text>[^<&]+)")
_ATTR = re.compile(rf"{_WS}+([a-z_][-a-z0-9_:.]*)(?:=\"([^\"]*)\"|='([^']*)')?")


@functools.lru_cache(maxsize=4096)
def _read_start(raw: str) -> tuple[str, str, bool]:
    """A start tag as :data:`_TOKEN` matched it: (its name, its text written back, closed with ``/>``). Kept by
    its text: a page repeats most of its tags (rows, cells, marks)."""
    m = _TOKEN.match(raw)
    tag = m.group("tag")
    attrs = [(a.group(1), None if a.group(2) is None and a.group(3) is None
              else unescape(a.group(2) if a.group(2) is not None else a.group(3)))
             for a in _ATTR.finditer(m.group("attrs"))]
    return tag, _start_tag(tag, attrs), bool(m.group("close"))


def _tokens(writer: _Writer, html: str) -> None:
    """Feed ``writer`` the calls ``html.parser`` would make for ``html``, for markup written the plain way
    (lowercase names, quoted values, references ended by ``;``); :class:`_Unsure` at anything else."""
    pos, end = 0, len(html)
    match = _TOKEN.match
    while pos < end:
        m = match(html, pos)
        if m is None:
            raise _Unsure(html[pos:pos + 20])
        pos = m.end()
        kind = m.lastgroup
        if kind == "text":
            writer.handle_data(m.group("text"))
        elif kind == "ent":
            writer.handle_entityref(m.group("ent"))
        elif kind == "num":
            writer.handle_charref(m.group("num"))
        elif kind == "end":
            writer.handle_endtag(m.group("end"))
        elif kind == "comment":
            writer.handle_comment(m.group("comment"))
        else:
            tag, written, close = _read_start(m.group(0))
            if close:
                if tag not in _VOID:
                    raise _Unsure(tag)
                writer.written_start(tag, written)
            elif tag in _RAW:  # its text runs to its end tag, as it is
                stop = html.find(f"</{tag}>", pos)
                if stop < 0 or f"</{tag}" in html[pos:stop].lower():
                    raise _Unsure(tag)
                writer.written_start(tag, written)
                if stop > pos:
                    writer.handle_data(html[pos:stop])
                writer.handle_endtag(tag)
                pos = stop + len(tag) + 3
            else:
                writer.written_start(tag, written)


def canonical_html(html: str) -> str | None:
    """``html`` as BeautifulSoup (``html.parser``) writes it back, with the image ``alt`` nbconvert adds;
    None when this module is not sure to write it the same way. Markup written the plain way is read by a
    tokenizer of this module; other markup by ``html.parser``."""
    fast = by_tokens(html)
    return fast if fast is not None else by_html_parser(html)


def by_tokens(html: str) -> str | None:
    """``html`` written back as read by this module's tokenizer; None where it steps aside."""
    writer = _Writer()
    try:
        _tokens(writer, html)
        writer._flush()
    except _Unsure:
        return None
    return None if writer.open else "".join(writer.out)


def by_html_parser(html: str) -> str | None:
    """``html`` written back as read by ``html.parser``; None where the writer is unsure."""
    writer = _Writer()
    try:
        writer.feed(html)
        writer.close()
        writer._flush()
    except (_Unsure, ValueError):
        return None
    return None if writer.open or writer.rawdata else "".join(writer.out)
