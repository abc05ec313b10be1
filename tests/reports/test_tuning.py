"""reports/tuning.py makes renders cheaper and must not change what is printed."""
from __future__ import annotations

import gc

import pytest

from reports import tuning
from reports.documents import KINDS
from reports.render import Renderer
from tests.forms.factories import application

from . import pdf
from . import doc_samples
from .samples import document, long_application


def render_both(data: dict, kind: str = "application", draft: bool = False) -> tuple[bytes, bytes]:
    template, context = KINDS[kind].build(data)
    tuned = Renderer()
    plain = Renderer(tuned=False)
    return (tuned.render(template, context, draft=draft).pdf,
            plain.render(template, context, draft=draft).pdf)


@pytest.mark.parametrize("data, draft", [
    ({"form": application(), "call": {"name": "2024年度示例项目", "year": 2024}}, False),
    ({"form": application(), "call": {"year": 2024}}, True),
    ({"form": {}, "call": {}}, False),
], ids=["typical", "draft", "blank"])
def test_tuned_and_plain_renders_place_every_word_alike(data, draft):
    tuned, plain = render_both(data, draft=draft)
    assert tuning.lean_html_class().__name__ == "LeanHTML"  # the lean path was really taken
    assert pdf.bbox_layout(tuned) == pdf.bbox_layout(plain)


def test_a_long_application_is_printed_alike_too():
    tuned, plain = render_both(document(long_application()))
    assert pdf.info(tuned).pages == pdf.info(plain).pages > 10
    assert pdf.bbox_layout(tuned) == pdf.bbox_layout(plain)


@pytest.mark.parametrize("kind, data", [
    ("approval_notice", doc_samples.APPROVAL), ("evaluation_report", doc_samples.EVALUATION_FAILED),
    ("project_sheet", doc_samples.PROJECT_SHEET), ("conference_report", doc_samples.CONFERENCE),
])
def test_the_other_documents_are_printed_alike(kind, data):
    tuned, plain = render_both(data, kind)
    assert pdf.bbox_layout(tuned) == pdf.bbox_layout(plain)


def test_only_whitespace_beside_block_tags_is_dropped():
    html = "<table>\n  <tr>\n    <td>甲 乙</td>  <td><b>丙</b> <i>丁</i></td>\n  </tr>\n</table>"
    assert tuning.without_layout_whitespace(html) == \
        "<table><tr><td>甲 乙</td><td><b>丙</b> <i>丁</i></td></tr></table>"
    kept = "<div>\n<pre>  a\n  b </pre>\n</div>"
    assert tuning.without_layout_whitespace(kept) == kept


def test_documents_that_name_footnotes_or_list_items_get_the_full_stylesheet():
    assert tuning.NEEDS_FULL_UA.search("<p style='float: footnote'>注</p>")
    assert tuning.NEEDS_FULL_UA.search("li { display: list-item }")
    assert not tuning.NEEDS_FULL_UA.search("<table><tr><td>申报书</td></tr></table>")


def test_a_render_leaves_the_garbage_collector_alone(monkeypatch):
    """A library must not change process-wide settings: no thresholds, freezing or disabling."""
    before = (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count())
    calls = []
    for name in ("set_threshold", "freeze", "unfreeze", "disable", "enable"):
        monkeypatch.setattr(gc, name, lambda *args, name=name: calls.append(name))
    Renderer().render(*KINDS["application"].build({"form": application(), "call": {}}))
    assert calls == []
    assert (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()) == before


def same_tree(a, b) -> bool:
    return (a.tag == b.tag and dict(a.attrib) == dict(b.attrib) and (a.text or "") == (b.text or "")
            and (a.tail or "") == (b.tail or "") and len(a) == len(b)
            and all(same_tree(x, y) for x, y in zip(a, b)))


def html5_tree(html: str):
    import tinyhtml5
    return tinyhtml5.parse(html, namespace_html_elements=False)


TREE_CASES = [
    ("application", {"form": application(), "call": {"name": "2024年度示例项目", "year": 2024}}),
    ("application", {"form": {}, "call": {}}),
    ("application", document(long_application())),
    ("approval_notice", doc_samples.APPROVAL), ("evaluation_report", doc_samples.EVALUATION_FAILED),
    ("evaluation_report", doc_samples.EVALUATION_REFUNDED),
    ("project_sheet", doc_samples.PROJECT_SHEET), ("publicity_list", {}), ("agreement", {}),
    ("midterm_opinion", {}), ("refund_notice", {}),
]


@pytest.mark.parametrize("kind, data", TREE_CASES, ids=[f"{kind}-{n}" for n, (kind, _) in
                                                        enumerate(TREE_CASES)])
def test_the_fast_parse_builds_the_tree_tinyhtml5_builds(kind, data):
    from reports.render import environment
    template, context = KINDS[kind].build(data)
    for draft in (False, True):
        raw = environment().get_template(template).render(**context, draft=draft)
        for html in (raw, tuning.without_layout_whitespace(raw)):
            fast = tuning.xhtml_tree(html)
            assert fast is not None  # our documents take the fast path
            assert same_tree(fast, html5_tree(html))


PAGE = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>t</title></head>\n<body>{}</body>\n</html>\n"


@pytest.mark.parametrize("body, fast", [
    ("<table><colgroup><col class=\"w7\"></colgroup>\n<tr><td>1</td></tr>\n<tr><td>2</td></tr>\n</table>", True),
    ("<p>甲<br>乙<span class=\"x\">丙</span></p><div><p>丁</p>\n</div>", True),
    ("<p>甲<div>乙</div></p>", False),           # HTML5 closes the <p>
    ("<table><tr><td>1</td></tr><tbody><tr><td>2</td></tr></tbody></table>", False),
    ("<table>甲<tr><td>1</td></tr></table>", False),  # text fostered out of the table
    ("<td>1</td>", False), ("<p>a&nbsp;b</p>", False), ("<!-- c --><p>a</p>", False),
    ("<p title=\"a\nb\">x</p>", False), ("<P>x</P>", False), ("<svg><text>x</text></svg>", False),
    ("<h2>甲<h3>乙</h3></h2>", False), ("<p>a &amp; b &lt;c&gt; &#34;d&#39;</p>", True),
])
def test_the_fast_parse_takes_only_html_it_parses_alike(body, fast):
    html = PAGE.format(body)
    tree = tuning.xhtml_tree(html)
    assert (tree is not None) == fast
    if tree is not None:
        assert same_tree(tree, html5_tree(html))


def test_renders_take_the_fast_parse():
    template, context = KINDS["application"].build({"form": application(), "call": {"year": 2024}})
    html = Renderer().html(template, context)
    document = tuning.lean_html_class()(string=html, base_url="/")
    assert document.etree_element.find("body") is not None
    assert tuning.xhtml_tree(html) is not None


def test_justified_lines_with_spaces_are_printed_alike():
    """Lines that justification widens (spaces in them) are laid out again to be drawn, as
    WeasyPrint does; the others keep their layout: both print the same."""
    form = application()
    words = "The expert team visits each plant, measures the line and writes a plan. "
    form["key_measures"] = (words * 12) + "\n" + "专家团" + words * 5
    tuned, plain = render_both({"form": form, "call": {"year": 2024}})
    assert pdf.bbox_layout(tuned) == pdf.bbox_layout(plain)


def test_the_layout_methods_are_weasyprints_again_after_a_render():
    from weasyprint.text.line_break import Layout
    before = (Layout.deactivate, Layout.reactivate)
    with tuning.kept_text_layouts():
        with tuning.kept_text_layouts():
            assert Layout.deactivate is not before[0]
        assert Layout.deactivate is not before[0]  # still one render running
    assert (Layout.deactivate, Layout.reactivate) == before
    render_both({"form": application(), "call": {"year": 2024}})
    assert (Layout.deactivate, Layout.reactivate) == before
