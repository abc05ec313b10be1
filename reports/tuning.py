"""What makes a warm render cheaper without changing a byte of what is drawn — each measured
on the 5-page 申报书 (bench/pdf.py; the templates and document.css avoid the costly constructs
themselves). ``reports.render`` applies them; each falls back to WeasyPrint's own behaviour
where its assumption does not hold. Nothing here touches process-wide state (the garbage
collector's settings belong to the application, not to a library).
"""
from __future__ import annotations

import re
import zlib
from functools import cache

# A warm render of a 5-page 申报书 (~180 ms on a 2-core VM): layout ~90 ms (a table cell ~0.4 ms),
# drawing ~30 ms, font subsetting ~15 ms (HarfBuzz), boxes ~13 ms, cascade ~9 ms, parsing ~7 ms,
# deflating ~6 ms. What is trimmed here, without changing a byte of what is drawn (the templates
# and document.css avoid the costly constructs: see its notes):
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
