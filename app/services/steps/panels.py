"""Decision panels: what the person at a step must see to decide — the earlier decisions with
their comments, the subject as submitted, every review with its total. A Step names its panels;
each reads the audit trail (never a workflow) and shows values through the earlier Step's labels.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


from forms.validators import fmt_number
from workflows.ranking import expert_breakdown

from ...models import AuditEvent
from ..shared.definitions import step_titles
from ..documents.attachments import stored_files
from .completions import completions
from .form_display import Shown, decision_line, link_files, shown_form


@dataclass(frozen=True)
class Entry:
    """One completion of an earlier step, as its reader sees it."""
    title: str
    actor: str
    at: datetime
    fields: list[Shown]


@dataclass(frozen=True)
class Link:
    """A page to go on to (the template builds the URL from the endpoint)."""
    text: str
    endpoint: str
    values: dict


@dataclass(frozen=True)
class PanelView:
    title: str
    entries: list[Entry]
    summary: str = ""
    folded: bool = False  # long (a whole 申报书): shown closed, opened on demand
    fields: tuple[Shown, ...] = ()  # shown above the entries (a table of scores or quotas)
    link: Link | None = None


@dataclass(frozen=True)
class Decisions:
    """The completions of ``tasks`` (every one, or only the latest of each with ``latest``)."""
    title: str
    tasks: tuple[str, ...]
    latest: bool = False
    folded: bool = False

    def __call__(self, instance, user) -> PanelView | None:
        entries = [entry for _, entry in _completions(instance, user, self.tasks)]
        if self.latest:
            entries = list({entry.title: entry for entry in entries}.values())
        return PanelView(self.title, entries, folded=self.folded) if entries else None


@dataclass(frozen=True)
class Reviews:
    """Every review of ``task``: a table of each expert's score per criterion (named from the
    call's criteria by ``criteria``) and total, and the expert score as the ranking computes it
    (the trimmed mean, workflows/ranking.py) — to those who may read the reviews only."""
    title: str
    task: str = "review_application"
    criteria: Callable | None = None      # instance → [{"code", "label", "max"}]
    trim_from: Callable | None = None     # instance → reviews from which the extremes drop
    link: Callable | None = None          # (instance, user) → Link to the ranking, or None

    def __call__(self, instance, user) -> PanelView | None:
        found = _completions(instance, user, (self.task,))
        if not found:
            return None
        forms = [(event.data["form"], entry.actor) for event, entry in found]
        breakdown = expert_breakdown([form["total"] for form, _ in forms],
                                     *([self.trim_from(instance)] if self.trim_from else []))
        return PanelView(self.title, [entry for _, entry in found], _score_summary(breakdown),
                         fields=(self._table(instance, forms, breakdown),),
                         link=self.link(instance, user) if self.link else None)

    def _table(self, instance, forms, breakdown) -> Shown:
        criteria = list(self.criteria(instance)) if self.criteria else []
        codes = [row["code"] for row in criteria]
        for form, _ in forms:  # a criterion scored but no longer in the call: still shown
            codes += [code for code in form.get("scores", {}) if code not in codes]
        names = {row["code"]: f"{row['label']}（满分{fmt_number(Decimal(str(row['max'])))}分）"
                 for row in criteria}
        rows = tuple(
            (Shown("", text=actor), *(Shown("", text=_score(form.get("scores", {}).get(code)))
                                      for code in codes),
             Shown("", text=_score(form["total"]) + ("（去掉）" if index in breakdown.dropped
                                                       else "")))
            for index, (form, actor) in enumerate(forms))
        return Shown("评分表", kind="table",
                     columns=("评审专家", *(names.get(code, code) for code in codes), "总分"),
                     rows=rows)


def _score(value) -> str:
    return "—" if value is None else fmt_number(Decimal(str(value)))


def _score_summary(breakdown) -> str:
    count, score = len(breakdown.totals), fmt_number(breakdown.score)
    if not breakdown.dropped:
        return f"共{count}份评审，专家得分（平均分）{score}分"
    high, low = (fmt_number(breakdown.totals[i]) for i in breakdown.dropped)
    return (f"共{count}份评审，去掉一个最高分{high}分和一个最低分{low}分后，"
            f"其余{count - 2}份的平均分（专家得分）{score}分")


def _completions(instance, user, tasks) -> list[tuple[AuditEvent, Entry]]:
    """(event, entry) for each completion of ``tasks`` the user may read, oldest first."""
    from .catalog import catalog
    roles = {assignment.role for assignment in user.roles}
    steps = {task: catalog().find(instance.process_key, task) for task in tasks}
    readable = [task for task, step in steps.items() if step and step.readable_by(roles)]
    if not readable:
        return []
    rows = [(event, actor) for event, actor in completions(instance.id)
            if event.task_name in readable and isinstance((event.data or {}).get("form"), dict)]
    if not rows:
        return []
    titles, files = step_titles(instance.definition), stored_files(instance.id)
    return [(event, _entry(steps[event.task_name], event, actor or "系统", instance, titles, files))
            for event, actor in rows]


def _entry(step, event: AuditEvent, actor: str, instance, titles: dict, files: dict) -> Entry:
    fields = shown_form(step.schema(instance), event.data["form"], step.labels, instance)
    return Entry(titles.get(step.task, step.task), actor, event.at, link_files(fields, files))


@dataclass(frozen=True)
class Returned:
    """The decision that sent a task back to be done again: which step, who, when, what it
    decided and its comment (what to change)."""
    title: str
    actor: str
    at: datetime
    decision: str
    comment: str


RETURNED = "returned"  # the outcome code of every 退回 (资格审查, 形式审查)


def returned_decision(instance, task_name: str, user) -> Returned | None:
    """The 退回 that reopened ``task_name`` — the latest completion after the task's own last
    one whose outcome is "returned" — if ``user`` may read that step; None when the task was
    never done before (or not sent back)."""
    from .catalog import catalog
    rows = sorted(completions(instance.id), key=lambda row: row[0].id, reverse=True)  # newest first
    roles = {assignment.role for assignment in user.roles}
    for event, actor in rows:
        if event.task_name == task_name:
            return None
        form = (event.data or {}).get("form")
        if not isinstance(form, dict) or not any(
                key.endswith("_outcome") and value == RETURNED for key, value in form.items()):
            continue
        step = catalog().find(instance.process_key, event.task_name)
        if step is None or not step.readable_by(roles):
            return None
        titles = step_titles(instance.definition)
        return Returned(titles.get(step.task, step.task), actor or "系统", event.at,
                        decision_line(step.schema(instance),
                                      {k: v for k, v in form.items() if k != "comment"},
                                      step.labels, instance),
                        str(form.get("comment") or ""))
    return None


def panels_for(step, instance, user) -> list[PanelView]:
    views = (panel(instance, user) for panel in step.panels)
    return [view for view in views if view is not None]
