"""Every page of the demo, for every demo login, renders in Chinese without a server error,
shows no raw identifier (codes, ids, English step or message names) in its visible text, and
holds no inline script (the Content-Security-Policy it is served with allows none)."""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from app.demo.people import PEOPLE
from app.demo.scenario import load_demo
from app.extensions import db
from app.models import AwardRound, ConferenceEdition, GrantCall, Org, ProcessInstance, User
from app.services.reading.inbox import inbox
from app.services.shared.visibility import visible_to
from workflows.clock import FrozenClock, using_clock
from tests.conftest import SHANGHAI

from .login import logged_in
from .visible import identifiers

PAGES = ["/", "/instances", "/start", "/admin", "/admin/definitions", "/admin/users", "/admin/orgs",
         "/overdue", "/exports", "/notifications", "/account/tokens"]


def test_every_page_for_every_demo_login(ctx):
    load_demo()
    usernames = [username for username, _, _ in PEOPLE]
    # what a person types and reads as such: login names (admin pages, 转办 list) — the demo
    # people's and the 科服保姆 accounts 签订实施协议 opened
    allowed = set(db.session.scalars(sa.select(User.username)))
    # … and the organisations' codes, which administrators give them on 机构管理
    org_codes = set(db.session.scalars(sa.select(Org.code)))
    leaks = {}
    with using_clock(FrozenClock(datetime(2023, 12, 1, 10, tzinfo=SHANGHAI))):
        for username in usernames:
            client = logged_in(ctx, username)
            user = _user(username)
            urls = PAGES + issue_11_pages() + [f"/tasks/{row.task.id}" for row in inbox(user)]
            urls += [f"/instances/{i}" for i in db.session.scalars(
                sa.select(ProcessInstance.id).where(visible_to(user)))]
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 403), (username, url, response.status_code)
                page = response.get_data(as_text=True)
                assert re.search(r"[\u4e00-\u9fff]", page), (username, url)
                assert "Traceback" not in page
                assert inline_scripts(page) == [], (username, url)
                assert "script-src 'self';" in response.headers["Content-Security-Policy"]
                assert response.headers["X-Frame-Options"] == "DENY"
                for word in identifiers(page, allowed | (org_codes if url == "/admin/orgs" else set())):
                    leaks.setdefault(word, set()).add(_where(url))
    assert leaks == {}, "\n".join(f"{word}: {sorted(where)}" for word, where in sorted(leaks.items()))


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']|javascript:", re.I)


def inline_scripts(page: str) -> list[str]:
    """Script the Content-Security-Policy (script-src 'self') would block: a <script> without
    src, an on…= handler attribute, a javascript: URL."""
    return INLINE_SCRIPT.findall(page)


def issue_11_pages() -> list[str]:
    """遴选工作台, 统计数据, 排序与立项, 评选表扬 — of every edition, call and award round."""
    editions = db.session.scalars(sa.select(ConferenceEdition.id)).all()
    calls = db.session.scalars(sa.select(GrantCall.id)).all()
    rounds = db.session.scalars(sa.select(AwardRound.id)).all()
    return (["/figures", "/ranking", "/awards", "/awards/concierges"]
            + [f"/editions/{e}/{page}" for e in editions for page in ("selection", "figures")]
            + [f"/calls/{c}/{page}" for c in calls for page in ("ranking", "figures")]
            + [f"/awards/{r}{page}" for r in rounds for page in ("", "/ranking", "/settings", "/honours")])


def _where(url: str) -> str:
    """The kind of page (a task or an instance page, not each id)."""
    return re.sub(r"/[0-9a-f-]{8,}$|/\d+$", "/…", url)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).filter_by(username=username))
