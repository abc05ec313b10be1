"""Pages of a list: ``page`` and ``per_page`` (capped) in, an envelope out — ``items``,
``page``, ``per_page``, ``total``, ``pages`` — with RFC 8288 ``Link`` headers (first, prev,
next, last)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import request, url_for
from marshmallow import Schema, fields, validate

from forms.base import FormSchema

from ..services.shared.paging import page_count

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class PageArgs(FormSchema):
    """The paging arguments; a list's filter schema extends it."""
    page = fields.Integer(load_default=1, validate=validate.Range(
        min=1, max=100000, error="「页码」应为1至100000之间的整数"), metadata={"label": "页码"})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(
        min=1, max=MAX_PER_PAGE, error=f"「每页条数」应为1至{MAX_PER_PAGE}之间的整数"),
        metadata={"label": "每页条数"})


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def page_of(rows: list, args: dict, shown=None) -> Page:
    """One page of an already read list; ``shown`` turns each row of this page (only) into
    its JSON."""
    start = (args["page"] - 1) * args["per_page"]
    items = rows[start:start + args["per_page"]]
    return Page([shown(row) for row in items] if shown else items, args["page"],
                args["per_page"], len(rows))


def link_header(page: Page) -> dict:
    """The Link header to the first, previous, next and last pages (the same query)."""
    def url(number: int) -> str:
        return url_for(request.endpoint, **{**request.view_args, **request.args.to_dict(),
                                            "page": number, "per_page": page.per_page})
    links = [(url(1), "first"), (url(page.pages), "last")]
    if page.page > 1:
        links.append((url(min(page.page - 1, page.pages)), "prev"))
    if page.page < page.pages:
        links.append((url(page.page + 1), "next"))
    return {"Link": ", ".join(f'<{target}>; rel="{rel}"' for target, rel in links)}


@cache
def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The envelope of a page of ``item_schema`` (one class per item schema, named after it)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True, metadata={"description": "页码，从1起"}),
        "per_page": fields.Integer(required=True, metadata={"description": f"每页条数，最多{MAX_PER_PAGE}"}),
        "total": fields.Integer(required=True, metadata={"description": "总条数"}),
        "pages": fields.Integer(required=True, metadata={"description": "总页数"}),
    })
