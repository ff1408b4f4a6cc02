"""The one-pass writer of a page body (wardaudit.run.canonical) gives BeautifulSoup's bytes, or steps aside."""
from __future__ import annotations

import nbformat
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from wardaudit.run.canonical import MISSING_ALT, by_html_parser, by_tokens, canonical_html

TAGS = ["div", "span", "p", "table", "tr", "td", "details", "summary", "pre", "b", "style", "figure", "h2"]
VOID = ["br", "img", "hr", "input"]
NAMES = ["class", "id", "title", "data-rules", "data-id", "tabindex", "open", "alt", "src", "href"]
TEXTS = ["", " ", "\n", "\n\n  ", "\t", "12.456 hồ sơ", "a & b", "1 < 2 > 0", "&amp;", "&lt;b&gt;", "&#34;x&#39;",
         "&nbsp;", "\xa0", "Trưng Thành", "&#x1F600;", "&copy;", "100%", "  x  ", "&#150;", "&bogus;"]
VALUES = ["", "a  b ", "x\"y", "x'y", "x\"y'z", "đỏ & xanh", "&amp;", "&#39;q&#39;", "1<2", "c d\ne"]


@st.composite
def attributes(draw) -> str:
    out = []
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=4)):
        if draw(st.booleans()) and name == "open":
            out.append(" open")
            continue
        value = draw(st.sampled_from(VALUES))
        quote = draw(st.sampled_from(['"', "'"]))
        if quote in value:
            quote = '"' if quote == "'" else "'"
            if quote in value:
                value = value.replace(quote, "")
        out.append(f" {name}={quote}{value}{quote}")
    return "".join(out)


def fragments(depth: int = 3):
    text = st.sampled_from(TEXTS)
    void = st.builds(lambda t, a, close: f"<{t}{a}{'/' if close else ''}>", st.sampled_from(VOID), attributes(),
                     st.booleans())
    if depth == 0:
        return st.one_of(text, void)
    inner = st.lists(fragments(depth - 1), max_size=4).map("".join)
    element = st.builds(lambda t, a, body: f"<{t}{a}>{body}</{t}>", st.sampled_from(TAGS), attributes(), inner)
    comment = st.sampled_from(["<!-- ghi chú -->", "<!---->"])
    return st.one_of(text, void, element, comment)


def soup(html: str) -> str:
    tree = BeautifulSoup(html, features="html.parser")
    for img in tree.select("img:not([alt])"):  # what nbconvert's exporter adds
        img.attrs["alt"] = MISSING_ALT
    return str(tree)


@settings(max_examples=400, deadline=None)
@given(st.lists(fragments(), max_size=5).map("".join))
def test_written_as_beautifulsoup_writes_it_or_not_at_all(html):
    fast = canonical_html(html)
    if fast is not None:
        assert fast == soup(html)


def test_the_markup_of_a_page_takes_the_one_pass_path():
    html = ('<div id="cell-id=x" class="cell  code_cell">\n\n<div class="output_html"><style>.a>b{c:"d"}</style>'
            '<p title="FOOT001: 1 &amp; 2 &#39;x&#39;" tabindex="0" data-rules="A B">12.456<span class="sym">✓</span>'
            '</p><img src="data:image/png;base64,AAAA"><details open><summary>Tất cả</summary>\n  \n</details>'
            '<pre>  giữ  \n  nguyên </pre></div>\n</div>\n')
    fast = canonical_html(html)
    assert fast is not None and fast == soup(html)
    assert '<div class="cell code_cell" id="cell-id=x">\n<div' in fast and f'alt="{MISSING_ALT}"' in fast


def test_unsure_input_is_left_to_beautifulsoup():
    for html in ("<div><p>không đóng</div>", "<b>x</i>", "<!DOCTYPE html><p>x</p>", "<p>&#128;</p>", "<div/>",
                 "<p>tail</p></div>"):
        assert canonical_html(html) is None, html


def test_the_page_exporter_gives_nbconverts_bytes():
    from nbconvert import HTMLExporter

    from wardaudit.run import notebook as nbm

    cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": '<div class="wa" data-id="b" data-rule="a"><img src="x.png">1 &lt; 2'
                                           '<br>\n\n</div>', "text/plain": "x"})]),
             nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout", text="in ra\n")]),
             nbformat.v4.new_markdown_cell("## Tiêu đề *nghiêng*")]
    nb = nbformat.v4.new_notebook(cells=cells)
    for exclude_markdown in (True, False):
        ref = HTMLExporter(template_name="wardaudit", extra_template_basedirs=[str(nbm.NBCONVERT_TEMPLATES)],
                           exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                           exclude_markdown=exclude_markdown, embed_images=True)
        ref.register_preprocessor(nbm.RunCleaner, enabled=True)
        assert nbm._exporter(exclude_markdown).from_notebook_node(nb)[0] == ref.from_notebook_node(nb)[0]


ODD = ["<DIV>x</DIV>", "<p  class = 'a'>x</p>", "<a href=x>y</a>", "1 < 2", "&amp", "&#x41", "<!-- a -- b -->",
       "<style>p < q {}</STYLE></style>", "<br / >", "<p\tid=\"a\"\n>x</p>", "<td data-x=\"&lt;&quot;\">", "</p >",
       "<x-y>z</x-y>", "<script>if (a<b) {}</script>", "<p>&#0;</p>", "<p title=\"a\"title='b'>x</p>"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(fragments(), st.sampled_from(ODD)), max_size=6).map("".join))
def test_the_tokenizer_reads_what_it_takes_as_html_parser_does(html):
    """The module's own tokenizer (the fast path) either steps aside or gives what html.parser gives."""
    fast = by_tokens(html)
    if fast is not None:
        assert fast == by_html_parser(html)
        assert fast == soup(html)


def test_a_page_body_is_read_by_the_tokenizer():
    html = ('<div class="jp-Cell" id="cell-id=x">\n<div class="jp-OutputArea"><style>.a>b{c:"d"}</style>'
            '<p title="1 &amp; 2 &#39;x&#39;" data-rules="A B">12.456 &nbsp;<span>✓</span></p>'
            '<img src="data:image/png;base64,AAAA"/><br><!-- ghi chú --></div>\n</div>\n')
    assert by_tokens(html) is not None and by_tokens(html) == by_html_parser(html) == soup(html)
