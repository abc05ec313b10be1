"""What makes a warm render cheaper without changing a byte of what is drawn — each measured
on the 5-page 申报书 (bench/pdf.py; the templates and document.css avoid the costly constructs
themselves). ``reports.render`` applies them; each falls back to WeasyPrint's own behaviour
where its assumption does not hold. Nothing here changes process-wide settings (the garbage
collector's belong to the application, not to a library); the one swap of WeasyPrint methods
(5. below) lasts while a tuned render runs and renders the same as WeasyPrint's own.
"""
from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from xml.etree import ElementTree

# Where a warm render of the 9-page 申报书 of bench/pdf.py goes (CPU ms on the 2-core VM, median;
# before → after issue 15's part 6): parsing 9.1 → 0.5 (4. below), cascade 12, boxes 16,
# layout ~165 (180 table cells at ~0.4 ms, ~480 lines broken by Pango — ~18 % of them laid out
# again after a page break, as WeasyPrint paginates —, 9 page footers ~10 ms), drawing 51 → 45
# (5. below), font subsetting 16 → 7 and deflating 6.4 → 4.7 (reports/fonts.py: glyph order),
# writing 3.6; total 282 → 259 (less with the worker's collector: reports/render.py). What is
# left is WeasyPrint's own Python per box, per style property and per line (the profile is flat:
# resolve_percentages, lazily computed styles, Pango shaping each line twice — to break it and
# for its final text); it goes no lower without changing WeasyPrint. What is trimmed here,
# without changing a byte of what is drawn (the templates and document.css avoid the costly
# constructs: see its notes):
#
# 1. WeasyPrint's user-agent stylesheet gives every element six pseudo-elements through universal
# selectors (::marker, ::footnote-call, ::footnote-marker, ::note-call, ::note-marker,
# ::note-callback): the cascade computes ~1,800 styles that nothing uses for a 5-page 申报书,
# ~10 ms of each render. Our documents have no footnotes or notes, and list items only as <li>:
# they render with that stylesheet less those rules (::marker kept for <li>), exactly as with
# the full one. A document whose HTML or stylesheet names footnotes, notes or list items gets
# WeasyPrint's own, as does any WeasyPrint whose stylesheet is not the one expected.
PSEUDO_RULES = re.compile(r"^::(?:footnote-call|footnote-marker|note-call|note-marker|"
                           r"note-callback) \{[^}]*\}$", re.M)
NEEDS_FULL_UA = re.compile(r"footnote|note\(|list-item")


@cache
def lean_html_class():
    """weasyprint.HTML with the lean user-agent stylesheet (weasyprint.HTML itself when its
    stylesheet is not the one expected)."""
    from weasyprint import CSS, HTML
    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE, UA_STYLESHEET
    except ImportError:
        return HTML
    lean_text, removed = PSEUDO_RULES.subn("", UA)
    lean_text, scoped = re.subn(r"^::marker \{", "li::marker {", lean_text, flags=re.M)
    if (removed, scoped) != (5, 1) or not hasattr(HTML, "_ua_stylesheets"):
        return HTML
    lean = CSS(string=lean_text, counter_style=UA_COUNTER_STYLE)

    class LeanHTML(HTML):
        def __init__(self, *, string: str, base_url: str | None = None):
            tree = xhtml_tree(string)
            super().__init__(string="" if tree is not None else string, base_url=base_url)
            if tree is not None:  # the tree tinyhtml5 would have built (see xhtml_tree)
                import cssselect2
                self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                    tree, content_language=None)
                self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms=False):
            return [lean if sheet is UA_STYLESHEET else sheet
                    for sheet in super()._ua_stylesheets(forms)]

    return LeanHTML


# 2. The templates' indentation: whitespace-only text next to a block-level or table tag renders
# as nothing (it starts or ends a line, or sits between table parts) but is still parsed, styled
# and boxed — ~1% of a render. It is dropped before parsing, unless the document preserves
# whitespace anywhere (white-space: pre…, <pre>, <textarea>). ASCII whitespace only: the
# ideographic space "　" of the blank form's fields is text.
BLOCK_TAGS = ("html|head|body|title|meta|style|section|div|p|h[1-6]|table|caption|colgroup|col|"
               "thead|tbody|tfoot|tr|th|td|br|hr|ul|ol|li")
LAYOUT_WHITESPACE = re.compile(rf"(</?(?:{BLOCK_TAGS})\b[^<>]*>)[ \t\n\r\f]+(?=<)"
                                rf"|(?<=>)[ \t\n\r\f]+(?=</?(?:{BLOCK_TAGS})\b)")
PRESERVES_WHITESPACE = re.compile(r"white-space\s*:\s*(?:pre|break-spaces)|<(?:pre|textarea|"
                                   r"listing|xmp|plaintext)\b", re.I)


def without_layout_whitespace(html: str) -> str:
    if PRESERVES_WHITESPACE.search(html):
        return html
    return LAYOUT_WHITESPACE.sub(lambda match: match.group(1) or "", html)


# 3. pydyf deflates every stream at level 9. On the embedded fonts (~700 KB before compression
# for a 申报书: the subsets keep their glyph ids) that costs ~20 ms of each render, for files
# 0.6% smaller than zlib's default level 6 makes in ~8 ms (level 1: ~4 ms, 10% larger). This
# finisher (WeasyPrint calls it before writing the PDF) deflates such single-chunk binary streams
# (fonts, ICC profiles) at level 6 itself; content streams stay as pydyf writes them.
_DEFLATE_LEVEL = 6


def deflate_binary_streams(document, pdf) -> None:
    import pydyf
    for stream in pdf.objects:
        if (isinstance(stream, pydyf.Stream) and stream.compress and "Filter" not in stream.extra
                and len(stream.stream) == 1 and isinstance(stream.stream[0], bytes)):
            stream.stream = [zlib.compress(stream.stream[0], _DEFLATE_LEVEL)]
            stream.extra["Filter"] = "/FlateDecode"
            stream.compress = False


# 4. Parsing: WeasyPrint parses HTML with tinyhtml5, pure Python — ~8.5 ms of a 9-page 申报书.
# The templates write HTML that is also well-formed XML once its void elements are closed, in a
# subset whose HTML5 tree is plain: expat (C, ~0.3 ms) builds the same tree, the one thing
# tinyhtml5 adds being the <tbody> around rows written directly in a <table>. Anything outside
# that subset — another element, a <p> holding a block, rows or cells out of place, text loose
# in a table, a named character reference, a comment, a <style> with "&" or "<" — is parsed by
# tinyhtml5 as before (xhtml_tree returns None); tests compare both trees for every document.
VOID_TAGS = re.compile(r"<(br|wbr|col|meta|hr)((?:\s[^<>]*?)?)\s*/?>")
PHRASING = frozenset(("span", "strong", "b", "em", "i", "br", "wbr", "sup", "sub", "small"))
FLOW = frozenset(("section", "div", "p", "h1", "h2", "h3", "h4", "table", "hr", "ul", "ol"))
# The children each element may have in the subset (text only where "#text" is named).
CONTENT = {
    "html": frozenset(("head", "body")),
    "head": frozenset(("meta", "title", "style")),
    "title": frozenset(("#text",)), "style": frozenset(("#text",)),
    "body": FLOW | PHRASING | {"#text"},
    **{tag: FLOW | PHRASING | {"#text"} for tag in ("section", "div", "li")},
    **{tag: PHRASING | {"#text"} for tag in PHRASING | {"p", "h1", "h2", "h3", "h4"}},
    "ul": frozenset(("li",)), "ol": frozenset(("li",)),
    "table": frozenset(("colgroup", "thead", "tbody", "tr")),
    "colgroup": frozenset(("col",)),
    "thead": frozenset(("tr",)), "tbody": frozenset(("tr",)),
    "tr": frozenset(("td", "th")),
    "td": FLOW | PHRASING | {"#text"}, "th": FLOW | PHRASING | {"#text"},
    **{tag: frozenset() for tag in ("meta", "br", "wbr", "col", "hr")},
}
# XML turns a tab or newline in an attribute value into a space, HTML keeps it (a quoted
# value: Jinja escapes every quote of the text it inserts).
MULTILINE_ATTRIBUTE = re.compile(r'"[^"<>]*[\t\n][^"<>]*"')
TABLE_PARTS = {"colgroup": 0, "thead": 1, "tbody": 2, "tr": 2}


def xhtml_tree(html: str):
    """The element tree tinyhtml5 builds for ``html`` (``namespace_html_elements=False``),
    parsed by expat; None when ``html`` is outside the subset where both agree."""
    if "<!--" in html or "<![" in html or "<?" in html or "\r" in html \
            or MULTILINE_ATTRIBUTE.search(html):
        return None
    try:
        root = ElementTree.fromstring(VOID_TAGS.sub(r"<\1\2/>", html))
    except ElementTree.ParseError:
        return None
    if not _in_subset(root) or len(root) != 2 or (root.text or "").strip():
        return None
    head, body = root
    after_html = html[html.rfind("</html>") + len("</html>"):] if "</html>" in html else ""
    if (head.tag, body.tag) != ("head", "body") or (body.tail or after_html).strip():
        return None
    for style in head.iter("style"):
        if "&" in (style.text or ""):
            return None
    _as_html5_tree(root, body, after_html)
    return root


def _in_subset(element) -> bool:
    allowed = CONTENT.get(element.tag)
    if allowed is None or any(name != name.lower() or "{" in name or ":" in name
                              for name in element.attrib):
        return False
    if (element.text or "").strip() and "#text" not in allowed:
        return False
    for child in element:
        if child.tag not in allowed or (child.tail or "").strip() and "#text" not in allowed:
            return False
        if not _in_subset(child):
            return False
    if element.tag == "table":
        order = [TABLE_PARTS[child.tag] for child in element]
        if order != sorted(order) or ("tbody" in [c.tag for c in element]
                                      and "tr" in [c.tag for c in element]):
            return False
    return True


def _as_html5_tree(root, body, after_html: str) -> None:
    """What HTML5 tree building does differently from XML in the subset: whitespace before
    <head> is dropped and whitespace after </body> or </html> goes into the body; rows written
    directly in a <table> get their implied <tbody>."""
    root.text = None
    trailing = (body.tail or "") + after_html
    body.tail = None
    if trailing:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + trailing
        else:
            body.text = (body.text or "") + trailing
    for table in root.iter("table"):
        rows = [child for child in table if child.tag == "tr"]
        if rows:
            tbody = ElementTree.Element("tbody")
            index = list(table).index(rows[0])
            for row in rows:
                table.remove(row)
            tbody.extend(rows)
            table.insert(index, tbody)


# 5. Text layouts: WeasyPrint shapes each line with Pango to break it, then drops the Pango
# layout ("deactivate") and, to draw the line, builds and shapes the same layout again
# ("reactivate") — ~400 lines of a 9-page 申报书, ~9 ms. While a tuned render runs, a line's
# layout is kept and drawn as it is: the same text, font, language and attributes. A justified
# line with spaces (its drawing adds the justification spacing) and a layout dropped before
# (by a render that started earlier) are rebuilt as WeasyPrint does. The methods of Pango's
# Layout class are swapped only while at least one tuned render runs (counted: renders run in
# several threads), and render the same with or without the swap.
_kept_layouts_lock = threading.Lock()
_kept_layouts_users = 0
_layout_methods: tuple | None = None


@contextmanager
def kept_text_layouts() -> Iterator[None]:
    global _kept_layouts_users
    with _kept_layouts_lock:
        if _kept_layouts_users == 0:
            _keep_layouts()
        _kept_layouts_users += 1
    try:
        yield
    finally:
        with _kept_layouts_lock:
            _kept_layouts_users -= 1
            if _kept_layouts_users == 0:
                _drop_layouts_again()


def _keep_layouts() -> None:
    global _layout_methods
    try:
        from weasyprint.text.line_break import Layout
    except ImportError:
        return
    deactivate, reactivate = Layout.deactivate, Layout.reactivate
    if not all(callable(method) for method in (deactivate, reactivate)):
        return

    def keep(self):
        """Instead of deactivate: keep the Pango layout for the drawing."""

    def reuse(self, style):
        if getattr(self, "layout", None) is None or self.justification_spacing:
            reactivate(self, style)

    _layout_methods = (Layout, deactivate, reactivate)
    Layout.deactivate, Layout.reactivate = keep, reuse


def _drop_layouts_again() -> None:
    global _layout_methods
    if _layout_methods is not None:
        layout_class, deactivate, reactivate = _layout_methods
        layout_class.deactivate, layout_class.reactivate = deactivate, reactivate
        _layout_methods = None
