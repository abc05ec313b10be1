"""Who each column of the matrix is, for the instance a row is tried on, and their clients:
a page client logged in through the real /login form (CSRF on) and an API client with a token."""
from __future__ import annotations

from functools import cached_property

from app.demo.people import DEMO_PASSWORD, _hashed
from app.extensions import db
from app.models import User
from app.services.shared import api_tokens
from tests.api.conftest import ApiClient, api_client
from tests.web.login import FreshContextClient, csrf_token, logged_in

from .matrix import GRANT, KECHUANG

# the same person in every row
FIXED = {
    "admin": "admin", "city": "cd_recommender", "city_other": "my_recommender",
    "sel_innovation": "sel_innovation", "sel_societies": "sel_societies",
    "sel_popularisation": "sel_popularisation", "officer": "grant_officer",
    "officer_other": "perm_officer", "expert": "expert_a", "expert_other": "perm_expert",
    "finance_officer": "finance_officer", "finance_reviewer": "finance_reviewer",
}
KECHUANG_PEOPLE = {"owner": "cd_applicant", "owner_other": "my_applicant",
                   "concierge": "cd_concierge", "concierge_other": "my_concierge"}
GRANT_OTHER_OWNER = "perm_soc_applicant"
# the 科服保姆 of another society: of the application that ended (of the one at 绩效评估 for that one)
GRANT_OTHER_CONCIERGE_AT = ("end", "evaluate_performance")


class Person:
    def __init__(self, app, user: User):
        self.app, self.user_id, self.username = app, user.id, user.username
        self._user = user

    @cached_property
    def page(self) -> FreshContextClient:
        client = logged_in(self.app, self.username)
        client.csrf = csrf_token(client.get("/account/tokens").get_data(as_text=True))
        return client

    @cached_property
    def api(self) -> ApiClient:
        made = api_tokens.create_token(self._user, f"权限矩阵 {self.username}", 365)  # valid while the clock moves
        return api_client(self.app, made.secret)


class People:
    def __init__(self, app, built):
        self.app, self.built = app, built
        self._people: dict[str, Person] = {}

    def for_board(self, action, actor: str) -> str | None:
        """The person of ``actor``'s column for a board action (its own people first)."""
        return dict(action.people).get(actor) or self.username(actor, action.process, action.step)

    def username(self, actor: str, process: str, step: str) -> str | None:
        """The username of ``actor`` for the instance standing at ``step`` (None: nobody —
        a society has no 科服保姆 before its agreement is signed)."""
        if actor in FIXED:
            return FIXED[actor]
        if process == KECHUANG:
            return KECHUANG_PEOPLE[actor]
        assert process == GRANT
        application = self.built.applications[step]
        if actor == "owner":
            return db.session.get(User, application.instance.started_by_id).username
        if actor == "owner_other":
            return GRANT_OTHER_OWNER
        from .world import society_concierge
        if actor == "concierge":
            found = society_concierge(application)
            return found.username if found else None
        other = next(at for at in GRANT_OTHER_CONCIERGE_AT if at != step)
        return society_concierge(self.built.applications[other]).username

    def person(self, username: str) -> Person:
        if username not in self._people:
            user = db.session.scalar(db.select(User).filter_by(username=username))
            if user.password_hash is None:  # a 科服保姆 account opened by 签订实施协议
                user.password_hash = _hashed(DEMO_PASSWORD)
                db.session.commit()
            self._people[username] = Person(self.app, user)
        return self._people[username]
