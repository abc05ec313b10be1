"""What the browser tests do on a page, by the conventions of docs/web.md: inbox rows
``tr[data-task-name=…]`` with ``a.task-link``, form fields ``#f-<path with dots as dashes>``,
buttons ``button[name=_action][value=submit|save_draft]``, and the shared 404 page."""
from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

NOT_FOUND_TITLE = "页面不存在"
NOT_FOUND_TEXT = "您访问的页面不存在，或您无权查看。"


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def inbox_row(page, task_name: str, title: str):
    """The inbox row of ``task_name`` for the instance titled ``title`` (titles are unique per test)."""
    return page.locator(f"tr[data-task-name={task_name}]", has_text=title)


def open_inbox(page) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200, \
        f"the inbox answered {response.status if response else None}"
    page.wait_for_selector("h1:has-text('我的待办')")


def open_task_from_inbox(page, task_name: str, title: str) -> None:
    open_inbox(page)
    row = inbox_row(page, task_name, title)
    assert row.count() == 1, f"inbox shows {row.count()} rows of {task_name} for {title!r}:\n{_rows(page)}"
    with page.expect_navigation() as navigation:
        row.locator("a.task-link").click()
    status = navigation.value.status if navigation.value else None
    assert status == 200, f"the {task_name} form ({path_of(page.url)}) answered {status}"
    page.wait_for_selector("button[name=_action][value=submit]")


def _rows(page) -> str:
    return "\n".join(page.locator("tr[data-task-name]").all_inner_texts()) or "(no rows)"


def fill_form(page, values: dict, upload_dir: Path) -> None:
    """Fill the task form: ``values`` maps dotted field paths to what a person enters."""
    for path, value in values.items():
        fill_field(page, path, value, upload_dir)


def fill_field(page, path: str, value, upload_dir: Path) -> None:
    target = page.locator(f"#{field_id(path)}")
    if target.count() == 0:  # a radio group or checkbox list without an id of its own
        target = page.locator(f"[name='{path}']").first
        assert target.count(), f"the form has no field #{field_id(path)} (name {path!r})"
    tag = target.evaluate("e => e.tagName.toLowerCase()")
    kind = (target.get_attribute("type") or "").lower()
    if tag == "select":
        target.select_option(_option_for(target, value))
    elif kind == "checkbox" and isinstance(value, bool):
        target.set_checked(value)
    elif kind in ("checkbox", "radio"):
        page.check(f"input[name='{path}'][value='{value}']")
    elif kind == "file":
        target.set_input_files(_sample_file(upload_dir, value))
    elif tag in ("input", "textarea"):
        target.fill(str(value))
    else:  # a wrapper (fieldset / div) around radios or checkboxes: value is one code or a list
        for code in value if isinstance(value, (list, tuple)) else [value]:
            target.locator(f"input[value='{code}']").check()


def _option_for(select, value) -> str:
    """The option value for ``value``, given as the option's value or its (Chinese) label."""
    options = select.locator("option").evaluate_all("os => os.map(o => [o.value, o.textContent.trim()])")
    for option_value, label in options:
        if option_value == str(value):
            return option_value
    for option_value, label in options:
        if str(value) in label:
            return option_value
    raise AssertionError(f"no option {value!r} in {options}")


def _sample_file(upload_dir: Path, name: str) -> Path:
    """A small file to upload under ``name``: uploads are checked by their first bytes, so a
    ``.mp4`` starts like an MP4 (an ``ftyp`` box) and anything else is a minimal PDF."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / name
    if not path.exists():
        path.write_bytes(MINIMAL_MP4 if name.endswith(".mp4") else MINIMAL_PDF)
    return path


def problems(page) -> str:
    """What the page says is wrong: flashed messages, the error summary, field errors."""
    return " | ".join(page.locator(".flash-error, .error-summary, .field-error").all_inner_texts())


def assert_not_found(response, page) -> None:
    """The shared 404 page: status 404, the Chinese title and text — the same for a thing that
    does not exist and one that may not be seen (existence is not revealed)."""
    assert response is not None and response.status == 404, \
        f"{page.url}: status {response.status if response else None}, expected 404"
    body = page.inner_text("main")
    assert "404" in body and NOT_FOUND_TITLE in body and NOT_FOUND_TEXT in body, body


def wait_for_diagram(page) -> None:
    """bpmn-js has drawn the process model inside #diagram, with the current step marked;
    if app/static/js/diagram.js gave up instead, fail with what it says."""
    page.wait_for_function("""() => {
        const box = document.getElementById("diagram");
        if (!box) return true;
        if (box.querySelector(".djs-element.gf-current")) return true;
        const status = box.querySelector(".diagram-status");
        return status && !status.textContent.includes("加载中");
    }""")
    status = page.locator("#diagram .diagram-status")
    assert page.locator("#diagram").count(), "the instance page has no #diagram"
    assert not status.count(), f"the diagram was not drawn: {status.inner_text()}"
    assert page.locator("#diagram .djs-container svg .djs-element").count() > 1


def instance_id_titled(live_server, title: str) -> int:
    from app.models import ProcessInstance
    found = live_server.scalar(sa.select(ProcessInstance.id).filter_by(title=title))
    assert found is not None, f"no process instance titled {title!r}"
    return found


def open_task_id(live_server, instance_id: int, task_name: str) -> str:
    from app.models import Task
    found = live_server.scalar(sa.select(Task.id).filter_by(instance_id=instance_id, task_name=task_name))
    assert found is not None, f"instance {instance_id} has no open task {task_name}"
    return found


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


MINIMAL_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def own_call(code: str, label: str):
    """A copy of the 2024 专家团 call for one test (the live database is shared: others leave
    applications of the 2024 call unreviewed), named apart so that pages listing calls by name
    tell them from the reference call. Call inside an app context; flushed, not committed."""
    from app.extensions import db
    from app.models import GrantCall
    source = db.session.scalar(sa.select(GrantCall).filter_by(program_code="expert_team", year=2024))
    columns = {c.key: getattr(source, c.key) for c in GrantCall.__table__.columns if c.key != "id"}
    call = GrantCall(**{**columns, "program_code": code, "name": f"{source.name}（{label}）"})
    db.session.add(call)
    db.session.flush()
    return call
