"""The 评选表扬 demo on the reference people: the round opens once and each city nominates its
two best 科服保姆 of its own (成都 has two, 绵阳 one); 创发部 picks the next best for 十佳."""
from __future__ import annotations

from app.demo.awards import load_awards
from app.services.awards import nominations

from .records import service_fixture


def test_the_demo_opens_the_round_and_nominates(world):
    users = world["users"]
    service_fixture(users)
    award_round = load_awards(users)
    assert load_awards(users).id == award_round.id  # once
    rows = nominations.nominations(award_round.id)
    assert [(r.user.display_name, r.honour, r.approved) for r in rows] == [
        ("周晓岚", "hundred", False), ("郝晴川", "hundred", False), ("吴承泽", "hundred", False),
        ("何雨霏", "top_ten", True)]
