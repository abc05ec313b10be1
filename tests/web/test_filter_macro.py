"""The one filter select of every list: the option a query string names stays selected."""
from __future__ import annotations


def render(app, choices, selected):
    template = app.jinja_env.from_string(
        '{% from "_filters.html" import choice_filter %}{{ choice_filter("市州", "city", choices, selected) }}')
    return template.render(choices=choices, selected=selected)


def test_query_text_selects_the_option_with_that_id(app):
    html = render(app, [(3, "成都市"), (13, "绵阳市")], "3")
    assert '<option value="3" selected>成都市' in html and '<option value="13" >绵阳市' in html


def test_nothing_chosen_selects_only_all(app):
    html = render(app, [("yes", "是"), ("no", "否")], None)
    assert "selected" not in html and '<option value="">全部</option>' in html
    assert '<label>市州' in html and 'name="city"' in html
