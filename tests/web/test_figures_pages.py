"""The 统计数据 pages over the demo data render in Chinese with no raw identifier (codes, ids,
English from data) for the province, a 市（州）科协 and a call's officer."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.demo.scenario import load_demo
from app.extensions import db
from app.models import ConferenceEdition, GrantCall, Org, User
from tests.conftest import SHANGHAI
from workflows.clock import FrozenClock, using_clock

from .login import logged_in
from .visible import identifiers


def test_the_figures_pages_of_the_demo_show_no_identifiers(ctx):
    load_demo()
    allowed = set(db.session.scalars(sa.select(User.username))) | set(db.session.scalars(sa.select(Org.code)))
    urls = ["/figures"]
    urls += [f"/editions/{ident}/figures" for ident in db.session.scalars(sa.select(ConferenceEdition.id))]
    urls += [f"/calls/{ident}/figures" for ident in db.session.scalars(sa.select(GrantCall.id))]
    leaks = {}
    with using_clock(FrozenClock(datetime(2024, 2, 1, 10, tzinfo=SHANGHAI))):
        for username in ("admin", "sel_innovation", "my_concierge", "grant_officer"):
            client = logged_in(ctx, username)
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 403), (username, url)
                for word in identifiers(response.get_data(as_text=True), allowed):
                    leaks.setdefault(word, set()).add((username, url))
            assert client.get("/figures").status_code == 200, username
    assert leaks == {}
