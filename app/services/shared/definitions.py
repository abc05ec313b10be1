"""Deploying process models: a changed model becomes a new version; running instances keep theirs."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.exc import IntegrityError

from workflows import clock
from workflows.serialization import serializer
from workflows.specs import InvalidProcessModel, parse_bundle, read_bundle, spec_cache

from ...extensions import db
from ...models import ProcessDefinition, ProcessInstance, User
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .unit_of_work import transaction
from .visibility import is_admin

log = logging.getLogger("grantflow.definitions")


def deploy_bundle(files: dict[str, str]) -> list[ProcessDefinition]:
    """Parse and validate the files; store a new version for every process whose spec differs
    from its current (newest) version — an earlier version's content becomes current again."""
    deployed = []
    with transaction():
        for parsed in parse_bundle(files):
            _check_every_task_has_a_step(parsed)
            current = _latest_or_none(parsed.key)
            unchanged = current is not None and current.content_hash == parsed.content_hash
            deployed.append(current if unchanged else _new_version(parsed))
    return deployed


def _check_every_task_has_a_step(parsed) -> None:
    """A model runs only if grantflow knows every user task of it (its Step: form, scope, due
    rule); a task without one could be neither shown nor completed."""
    from ..steps.catalog import catalog
    known = {step.task for step in catalog().steps() if step.process == parsed.key}
    missing = [f"「{name}」（{task_id}）" for task_id, name in parsed.user_tasks.items()
               if task_id not in known]
    if missing:
        raise InvalidProcessModel(f"流程 {parsed.name} 的用户任务{'、'.join(missing)}"
                                  "在系统中没有对应的办理步骤（表单、办理角色、期限），未部署")


def deploy_directory(directory: Path) -> list[ProcessDefinition]:
    return deploy_bundle(read_bundle(directory))


def _new_version(parsed) -> ProcessDefinition:
    latest = db.session.scalar(sa.select(sa.func.max(ProcessDefinition.version))
                               .filter_by(process_key=parsed.key)) or 0
    definition = ProcessDefinition(
        process_key=parsed.key, name=parsed.name, version=latest + 1,
        content_hash=parsed.content_hash, spec_json=parsed.spec_json, sources=parsed.sources,
        serializer_version=serializer.spiff_version, deployed_at=clock.now())
    db.session.add(definition)
    db.session.flush()
    return definition


def _latest_or_none(process_key: str) -> ProcessDefinition | None:
    return db.session.scalar(sa.select(ProcessDefinition).filter_by(process_key=process_key)
                             .order_by(ProcessDefinition.version.desc()).limit(1))


def latest_definition(process_key: str) -> ProcessDefinition:
    definition = _latest_or_none(process_key)
    if definition is None:
        raise NotFound(f"流程 {process_key} 尚未部署")
    return definition


def specs_of(definition: ProcessDefinition):
    """The (spec, subprocess specs) objects of a definition version, cached by content hash."""
    return spec_cache.get(definition.content_hash, lambda: definition.spec_json)


# Versions overview and deploying uploaded models (系统管理 → 流程模型) ------------------------

@dataclass(frozen=True)
class VersionRow:
    definition: ProcessDefinition
    running: int  # instances on this version still running
    total: int


def version_overview() -> dict[str, list[VersionRow]]:
    """Every deployed version by process key (newest first) with its instance counts."""
    running = sa.func.sum(sa.case((ProcessInstance.status == "running", 1), else_=0))
    counts = {row.definition_id: (row.running or 0, row.total) for row in db.session.execute(
        sa.select(ProcessInstance.definition_id, running.label("running"),
                  sa.func.count().label("total")).group_by(ProcessInstance.definition_id))}
    overview: dict[str, list[VersionRow]] = {}
    for definition in db.session.scalars(sa.select(ProcessDefinition).order_by(
            ProcessDefinition.process_key, ProcessDefinition.version.desc())):
        overview.setdefault(definition.process_key, []).append(
            VersionRow(definition, *counts.get(definition.id, (0, 0))))
    return overview


MAX_MODEL_BYTES = 2 * 1024 * 1024
MODEL_SUFFIXES = (".bpmn", ".dmn")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def read_model_files(uploads: list[tuple[str, bytes]]) -> dict[str, str]:
    """Uploaded (file name, content) pairs as {name: XML text}, after checking each file's
    extension, size (2 MB) and content (well-formed XML); InvalidInput names every refusal."""
    files, errors = {}, []
    for raw_name, content in uploads:
        name = _model_name(raw_name)
        problem = _model_file_problem(name, content)
        if problem:
            errors.append(problem)
        else:
            files[name] = content.decode("utf-8")
    if not files and not errors:
        errors.append("请选择要部署的 .bpmn 或 .dmn 文件")
    if errors:
        raise InvalidInput({"files": errors})
    return files


def _model_name(raw_name: str) -> str:
    """The base name (no folders) with a lower-case extension."""
    path = PurePosixPath(raw_name.replace("\\", "/"))
    return f"{path.stem}{path.suffix.lower()}"[-200:]


def _model_file_problem(name: str, content: bytes) -> str | None:
    if not name.endswith(MODEL_SUFFIXES):
        return f"{name}：只能上传 .bpmn 或 .dmn 文件"
    if len(content) > MAX_MODEL_BYTES:
        return f"{name}：文件超过 2 MB"
    try:
        content.decode("utf-8")
        root = etree.fromstring(content, _SAFE_XML)
    except (UnicodeDecodeError, etree.XMLSyntaxError):
        return f"{name}：不是有效的 XML 文件（须为 UTF-8 编码的 BPMN/DMN 模型）"
    if etree.QName(root).localname != "definitions":
        return f"{name}：不是 BPMN/DMN 模型文件（根元素应为 definitions）"
    return None


@dataclass(frozen=True)
class Deployed:
    process_key: str
    version: int
    new: bool


def check_deployer(user: User) -> None:
    if not (user.active and is_admin(user)):
        raise PermissionDenied("只有系统管理员可以部署流程模型")


def deploy_upload(files: dict[str, str], user: User) -> list[Deployed]:
    """An administrator deploys uploaded .bpmn/.dmn files, together with the current files they
    need (e.g. the DMN a process calls). A changed process gets a new version; an invalid
    model is refused with the parser's message and nothing changes."""
    check_deployer(user)
    known = set(db.session.scalars(sa.select(ProcessDefinition.id)))
    try:
        deployed = deploy_bundle(_with_current_files(files))
    except InvalidProcessModel as err:  # rolled back: nothing deployed
        raise InvalidInput({"files": [f"模型无效，未部署：{_with_line(err)}"]}) from err
    except IntegrityError as err:  # another administrator deployed the same version first
        raise Conflict("其他管理员正在部署流程模型，请刷新后重试") from err
    return [Deployed(d.process_key, d.version, d.id not in known) for d in deployed]


def make_current(definition_id: int, user: User) -> Deployed:
    """An administrator makes an earlier version current again: its content deploys as a new
    version (numbers only grow; running instances keep theirs; new ones start on it)."""
    check_deployer(user)
    try:
        with transaction():
            earlier = db.session.get(ProcessDefinition, definition_id)
            if earlier is None:
                raise NotFound("该流程模型版本不存在")
            current = latest_definition(earlier.process_key)
            if current.content_hash == earlier.content_hash:
                raise Conflict(f"v{earlier.version} 的内容与当前版本 v{current.version} 相同，无需恢复")
            restored = ProcessDefinition(
                process_key=earlier.process_key, name=earlier.name, version=current.version + 1,
                content_hash=earlier.content_hash, spec_json=earlier.spec_json,
                sources=earlier.sources, serializer_version=earlier.serializer_version,
                deployed_at=clock.now())
            db.session.add(restored)
            db.session.flush()
            log.info("%s made %s v%d current again as v%d", user.username, earlier.process_key,
                     earlier.version, restored.version)
    except IntegrityError as err:  # another administrator deployed a version just now
        raise Conflict("其他管理员正在部署流程模型，请刷新后重试") from err
    return Deployed(restored.process_key, restored.version, True)


def make_current_message(deployed: Deployed) -> str:
    return f"已将 {deployed.process_key} 的早期版本恢复为当前版本：新版本 v{deployed.version}"


def deploy_message(deployed: list[Deployed]) -> str:
    new = [f"{d.process_key} 新版本 v{d.version}" for d in deployed if d.new]
    return "已部署：" + "、".join(new) if new else "模型未变化，未产生新版本"


def _with_line(err: InvalidProcessModel) -> str:
    line = getattr(err.__cause__, "line_number", None)
    message = str(err).strip()
    return f"{message}（第{line}行）" if line and f"line {line}" not in message else message


def _with_current_files(uploaded: dict[str, str]) -> dict[str, str]:
    """The upload plus current source files it relies on or that rely on it: current DMNs
    (unless an uploaded DMN redefines their decisions), and current processes that call a
    decision of an uploaded DMN (unless the upload redefines those processes)."""
    new_processes, new_decisions = _element_ids(uploaded, "process"), _element_ids(uploaded, "decision")
    bundle = dict(uploaded)
    for name, text in _current_sources().items():
        if name in bundle:
            continue
        if name.endswith(".dmn") and not _element_ids({name: text}, "decision") & new_decisions:
            bundle[name] = text
        elif name.endswith(".bpmn") and _called_decisions(text) & new_decisions \
                and not _element_ids({name: text}, "process") & new_processes:
            bundle[name] = text
    return bundle


def _current_sources() -> dict[str, str]:
    """The source files of the latest version of every process."""
    sources: dict[str, str] = {}
    for definition in _latest_definitions():
        sources.update(definition.sources or {})
    return sources


def _latest_definitions() -> list[ProcessDefinition]:
    """The newest version of every process (one read; specs and sources stay deferred)."""
    latest: dict[str, ProcessDefinition] = {}
    for definition in db.session.scalars(sa.select(ProcessDefinition).order_by(ProcessDefinition.version)):
        latest[definition.process_key] = definition
    return list(latest.values())


def _elements(text: str, localname: str):
    try:
        root = etree.fromstring(text.encode("utf-8"), _SAFE_XML)
    except etree.XMLSyntaxError:  # the parser reports it when the bundle is deployed
        return ()
    return (el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == localname)


def _element_ids(files: dict[str, str], localname: str) -> set[str]:
    return {el.get("id") for text in files.values() for el in _elements(text, localname) if el.get("id")}


def _called_decisions(text: str) -> set[str]:
    return {(el.text or "").strip() for el in _elements(text, "calledDecisionId")}


def step_titles(definition: ProcessDefinition) -> dict[str, str]:
    """Task spec name → its name in the diagram (Chinese), for this definition version. A
    multi-instance activity's own spec has no name: its children carry it, under its BPMN id."""
    spec, subprocess_specs = specs_of(definition)
    named = [task_spec for process_spec in (spec, *subprocess_specs.values())
             for task_spec in process_spec.task_specs.values()]
    by_bpmn_id = {s.bpmn_id: s.bpmn_name for s in named if s.bpmn_id and s.bpmn_name}
    return {s.name: s.bpmn_name or by_bpmn_id.get(s.bpmn_id) or s.name for s in named}


def task_titles() -> dict[str, str]:
    """step_titles of each process's newest version: what each step is called now (a renamed
    step goes by its new name). Older versions are not read: their specs are restored only
    for instances still on them."""
    return {name: title for definition in _latest_definitions()
            for name, title in step_titles(definition).items()}
