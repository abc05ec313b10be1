"""The SVG bar charts, read back as XML: bars, proportions, labels, escaping, empty data."""
import xml.etree.ElementTree as ET

import pytest

from reports.charts import grouped_bar_chart, nice_ticks, text_width, wrap_label

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [{"area": "开幕式发布", "pitched": 30, "intents": 12, "signed": 9},
        {"area": "重点科创项目集中推介", "pitched": 1761, "intents": 779, "signed": 106},
        {"area": "成都", "pitched": "166", "intents": "98", "signed": 0}]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def bars(root) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root, css_class: str) -> list[str]:
    return [node.text for node in root.iter(f"{SVG}text") if node.get("class") == css_class]


def test_one_bar_per_category_and_series():
    root = parse(grouped_bar_chart(ROWS, "area"))
    assert len(bars(root)) == 9
    assert [bar.get("data-series") for bar in bars(root)[:3]] == ["0", "1", "2"]


def test_bar_lengths_are_proportional_to_values():
    found = bars(parse(grouped_bar_chart(ROWS, "area")))
    longest = max(found, key=lambda bar: float(bar.get("data-value")))
    scale = float(longest.get("width")) / 1761
    for bar in found:
        assert float(bar.get("width")) == pytest.approx(float(bar.get("data-value")) * scale,
                                                        abs=0.01)
    assert {bar.get("data-value") for bar in found} >= {"1761", "779", "166", "98", "0"}


def test_zero_value_draws_an_empty_bar_labelled_0():
    root = parse(grouped_bar_chart(ROWS, "area"))
    zero = [bar for bar in bars(root) if bar.get("data-value") == "0"]
    assert len(zero) == 1 and float(zero[0].get("width")) == 0
    assert "0" in texts(root, "value")


def test_all_zero_data_draws_without_dividing_by_zero():
    rows = [{"city": "巴中", "pitched": 0, "intents": 0, "signed": 0},
            {"city": "雅安", "pitched": None, "intents": "", "signed": "bad"}]
    root = parse(grouped_bar_chart(rows, "city"))
    assert all(float(bar.get("width")) == 0 for bar in bars(root))
    assert texts(root, "tick") == ["0", "1"]


def test_no_rows_gives_an_empty_but_valid_chart():
    root = parse(grouped_bar_chart([], "city"))
    assert bars(root) == [] and texts(root, "legend") == ["推介项目", "达成合作意向", "签约项目"]


def test_labels_are_xml_escaped():
    rows = [{"area": "A&B <推介区> \"1\"", "pitched": 3, "intents": 1, "signed": 0}]
    svg = grouped_bar_chart(rows, "area", series=[("pitched", "推介<项目>")], caption="图&1")
    root = parse(svg)
    assert "".join(texts(root, "category")) == "A&B <推介区> \"1\""
    assert texts(root, "legend") == ["推介<项目>"]
    assert "<推介区>" not in str(svg)


def test_legend_ticks_and_values_are_drawn():
    root = parse(grouped_bar_chart(ROWS, "area"))
    assert texts(root, "legend") == ["推介项目", "达成合作意向", "签约项目"]
    assert texts(root, "tick") == ["0", "500", "1000", "1500", "2000"]
    assert {"1761", "779", "106", "30"} <= set(texts(root, "value"))


def test_long_labels_wrap_to_two_lines_and_end_in_ellipsis():
    name = "重大科创项目专场推介会（先进材料和医药健康）及其他很长很长的推介区名称"
    root = parse(grouped_bar_chart([{"area": name, "pitched": 1}], "area"))
    lines = texts(root, "category")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert "".join(lines).rstrip("…") == name[:len("".join(lines)) - 1]


def test_twenty_one_cities_fit_on_a_page():
    cities = [{"city": f"城市{i}", "pitched": i * 7, "intents": i * 3, "signed": i}
              for i in range(21)]
    root = parse(grouped_bar_chart(cities, "city"))
    assert len(bars(root)) == 63
    assert texts(root, "category") == [f"城市{i}" for i in range(21)]
    assert float(root.get("height").removesuffix("pt")) < 600  # ≈ 210 mm: one A4 page


def test_series_stay_distinct_in_black_and_white():
    root = parse(grouped_bar_chart(ROWS, "area", chart_id="fig1"))
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.get("class") == "swatch"]
    assert fills == ["#1f4e79", "url(#fig1-hatch)", "url(#fig1-dots)"]
    assert {p.get("id") for p in root.iter(f"{SVG}pattern")} == {"fig1-hatch", "fig1-dots"}


@pytest.mark.parametrize(("maximum", "ticks"), [
    (0, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (10, [0, 2, 4, 6, 8, 10]),
    (1894, [0, 500, 1000, 1500, 2000]), (0.3, [0, 0.1, 0.2, 0.3]),
])
def test_nice_ticks(maximum, ticks):
    assert nice_ticks(maximum) == ticks


def test_wrap_label_keeps_an_opening_bracket_with_what_follows():
    lines = wrap_label("重大科创项目专场推介会（电子信息和装备制造）", 9, 11 * 9)
    assert lines == ["重大科创项目专场推介会", "（电子信息和装备制造）"]


def test_text_width_counts_cjk_and_punctuation_full_width():
    assert text_width("成都", 10) == 20
    assert text_width("“—”", 10) == 30
    assert text_width("ab12", 10) < text_width("成都", 10) * 2


def test_long_numbers_stay_inside_the_chart_and_ids_are_safe():
    rows = [{"area": "开幕式发布", "contract_wan": "28961.25"}, {"area": "集中推介", "contract_wan": 3}]
    root = parse(grouped_bar_chart(rows, "area", [("contract_wan", "合同金额")],
                                   chart_id='a"b <c>'))
    width = float(root.get("width").removesuffix("pt"))
    label = next(node for node in root.iter(f"{SVG}text") if node.text == "28961.25")
    assert float(label.get("x")) + text_width("28961.25", float(label.get("font-size"))) < width
    assert root.get("id") == "a-b--c-"
