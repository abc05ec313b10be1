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
