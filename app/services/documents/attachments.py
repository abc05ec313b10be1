"""Uploads of task forms (the stamped 申报书 PDF): checked, stored once by SHA-256, recorded."""
from __future__ import annotations

import copy
import hashlib
import hmac
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from marshmallow import fields

from workflows import clock

from ...extensions import db
from ...models import Attachment, ProcessInstance, Task, User
from ..shared.access import check_may_complete
from ..shared.errors import InvalidInput, NotFound
from ..shared.read_once import read_once
from forms.registry import schema_instance

from ..shared import settings
from ..steps.catalog import catalog
from ..steps.handled import existing_task

MAX_BYTES = 10 * 1024 * 1024
REF_PREFIX = "attachment:"
UPLOAD_PREFIX = "upload:"  # staged: bytes stored, no row yet (see stage_uploads)


@dataclass(frozen=True)
class FileKind:
    name: str  # what the message asks for: "PDF文件"
    accept: str  # the file input's accept attribute
    content_type: str
    matches: Callable[[bytes], bool]  # on the first bytes: the content decides, not the name


PDF = FileKind("PDF文件", ".pdf,application/pdf", "application/pdf",
               lambda head: head.startswith(b"%PDF-"))
MP4 = FileKind("MP4视频", ".mp4,video/mp4", "video/mp4", lambda head: head[4:8] == b"ftyp")
JPEG = FileKind("JPG图片", ".jpg,.jpeg,image/jpeg", "image/jpeg",
                lambda head: head.startswith(b"\xff\xd8\xff"))
PNG = FileKind("PNG图片", ".png,image/png", "image/png",
               lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"))
FOLLOW_UP_FILES = "follow_up_files"  # the files of a 跟踪服务 record (走访记录, 现场照片)
# by field name; every other upload must be a PDF
KINDS = {"video_ref": (MP4, PDF), FOLLOW_UP_FILES: (PDF, JPEG, PNG)}
CONTENT_TYPES = tuple(kind.content_type for kind in (PDF, MP4, JPEG, PNG))  # any upload is one


def kinds_of(path: str) -> tuple[FileKind, ...]:
    return KINDS.get(path.rpartition(".")[2], (PDF,))


def accept_of(path: str) -> str:
    """The file input's accept attribute for an upload field."""
    return ",".join(kind.accept for kind in kinds_of(path))


@cache
def file_fields(form: type) -> dict[str, str]:
    """{path: label} of the upload fields (widget "file") of a form schema (do not change)."""
    return dict(_file_fields(schema_instance(form).fields, ""))


def task_file_fields(instance: ProcessInstance, task_name: str) -> dict[str, str]:
    """The upload fields of a task's form (its Step's, for this instance)."""
    return file_fields(catalog().step(instance.process_key, task_name).schema(instance))


def _file_fields(schema_fields: dict, prefix: str):
    for name, field in schema_fields.items():
        if isinstance(field, fields.Nested):
            yield from _file_fields(field.schema.fields, f"{prefix}{name}.")
        elif field.metadata.get("widget") == "file":
            yield f"{prefix}{name}", field.metadata["label"]


def store_attachment(instance: ProcessInstance, task_name: str, field: str, file_storage,
                     user: User, label: str | None = None) -> Attachment:
    """Check one upload (≤ 10 MB, the right kind by its first bytes), write it under
    UPLOAD_DIR/<sha256[:2]>/<sha256> (the file name is never part of the path) and record it.
    The caller owns the transaction."""
    label = label or task_file_fields(instance, task_name).get(field, field)
    content, kind = _checked_content(file_storage, field, label)
    return _recorded(instance.id, task_name, field, _display_name(file_storage.filename), kind,
                     store_bytes(content), user)


def _recorded(instance_id: int, task_name: str, field: str, filename: str, kind: FileKind,
              stored: StoredFile, user: User) -> Attachment:
    """The row saying what a stored file is (its id is the form's reference)."""
    attachment = Attachment(
        instance_id=instance_id, task_name=task_name, field=field, filename=filename,
        content_type=kind.content_type, size=stored.size, sha256=stored.sha256,
        storage_key=stored.key, uploaded_by_id=user.id, uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    return attachment


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    key: str  # the path under UPLOAD_DIR: <sha256[:2]>/<sha256>
    size: int


_SHA256 = re.compile(r"[0-9a-f]{64}")


def store_bytes(content: bytes) -> StoredFile:
    """Keep ``content`` under UPLOAD_DIR by its SHA-256 (once: the same bytes are one file).
    Recording what the file is stays with the caller (attachment, frozen document, export)."""
    sha256 = hashlib.sha256(content).hexdigest()
    key = f"{sha256[:2]}/{sha256}"
    _write_once(settings.current().upload_dir / key, content)
    return StoredFile(sha256, key, len(content))


def stored_path(sha256: str) -> Path:
    """The file stored for this digest (NotFound when the digest is malformed or missing)."""
    digest = sha256 or ""
    path = settings.current().upload_dir / digest[:2] / digest
    if not _SHA256.fullmatch(digest) or not path.is_file():
        raise NotFound("文件不存在")
    return path


def read_stored(sha256: str) -> bytes:
    """The stored bytes, checked against their digest: a changed file is never served as the
    original (it is reported, like a missing one, as not found)."""
    content = stored_path(sha256).read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise NotFound("文件已损坏")
    return content


def _checked_content(file_storage, field: str, label: str) -> tuple[bytes, FileKind]:
    content = file_storage.stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise InvalidInput({field: [f"「{label}」不超过{MAX_BYTES // (1024 * 1024)}MB，请压缩后重新上传"]})
    if not content:
        raise InvalidInput({field: [f"「{label}」是空文件，请重新选择"]})
    kinds = kinds_of(field)
    kind = next((kind for kind in kinds if kind.matches(content[:16])), None)
    if kind is None:
        raise InvalidInput({field: [f"「{label}」须为{'或'.join(k.name for k in kinds)}"]})
    return content, kind


def _write_once(path: Path, content: bytes) -> None:
    """Content-addressed: an existing file already holds these bytes. Written to a temporary
    file first, so a crash never leaves half a file under the final name."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _display_name(filename: str | None) -> str:
    """Only for showing: the last part of what the browser sent, without control characters
    (it becomes a download's Content-Disposition), at most 200 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] or "未命名文件"


def stage_uploads(task_id: str, uploads: dict, raw: dict, user: User) -> None:
    """Before a use case's transaction: check each file uploaded with a task's form, keep its
    bytes under UPLOAD_DIR by SHA-256 (idempotent, harmless if the use case is then refused)
    and put a signed "upload:" reference into ``raw`` in its place — so a refused form hands the
    file back without re-uploading. Authorised like completing the task; no row is written."""
    task = existing_task(task_id)
    check_may_complete(user, task)
    labels = task_file_fields(task.instance, task.task_name)
    staged, errors = {}, {}
    for path, storage in uploads.items():
        if path in labels:  # any other name is not an upload field of this form: ignored
            try:
                staged[path] = _staged(task_id, path, storage, labels[path], user)
            except InvalidInput as err:
                errors.update(err.errors)
    if errors:
        raise InvalidInput(errors)
    for path, ref in staged.items():
        _set(raw, path, ref)


def _staged(task_id: str, path: str, storage, label: str, user: User) -> str:
    content, _kind = _checked_content(storage, path, label)
    stored = store_bytes(content)
    name = _display_name(storage.filename)
    signature = _signature(task_id, path, stored.sha256, name, user)
    return f"{UPLOAD_PREFIX}{stored.sha256}:{signature}:{name}"


def stage_files(task_id: str, path: str, storages, label: str, user: User) -> tuple[list[str], dict]:
    """Files uploaded beside a form that is not the task's own (a 跟踪服务 record): each checked
    and kept like a task form's upload, handed back as a signed "upload:" reference — so a
    refused form keeps them — with the errors of those refused (all of them, not the first)."""
    refs, errors = [], []
    for storage in storages:
        try:
            refs.append(_staged(task_id, path, storage, label, user))
        except InvalidInput as err:
            errors.extend(f"{storage.filename}：{message}" if storage.filename else message
                          for messages in err.errors.values() for message in messages)
    return refs, ({path: errors} if errors else {})


def record_staged_files(task: Task, path: str, refs: list[str], label: str, user: User) -> list[Attachment]:
    """Inside the use case's transaction: the attachment rows of staged files (only those this
    person staged for this field of this task)."""
    recorded = []
    for ref in refs:
        attachment = _record_staged(task, path, ref, user) if ref.startswith(UPLOAD_PREFIX) else None
        if attachment is None:
            raise InvalidInput({path: [f"「{label}」所引用的文件不存在，请重新上传"]})
        recorded.append(attachment)
    return recorded


def staged_name(ref: str) -> str:
    """The file name a staged reference carries (to show a refused form's files)."""
    return ref.split(":", 3)[3] if ref.startswith(UPLOAD_PREFIX) and ref.count(":") >= 3 else ""


def _signature(task_id: str, path: str, sha256: str, name: str, user: User) -> str:
    """Only the person who uploaded the file, for this field of this task, may hand it back."""
    message = "\x1f".join((str(user.id), task_id, path, sha256, name)).encode()
    key = settings.current().secret_key.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def with_attachments(task: Task, raw: dict, user: User) -> dict:
    """Inside the use case's transaction: ``raw`` with each staged "upload:" reference recorded
    as an attachment of the task's instance ("attachment:<id>"); every reference must name a
    file of this instance (or a file this person just staged for this field)."""
    labels = task_file_fields(task.instance, task.task_name)
    recorded, errors = copy.deepcopy(raw), {}
    for path, label in labels.items():
        ref = str(_get(raw, path) or "")
        if not ref.startswith(UPLOAD_PREFIX):
            continue
        attachment = _record_staged(task, path, ref, user)
        if attachment is None:
            errors[path] = [f"「{label}」所引用的文件不存在，请重新上传"]
        else:
            _set(recorded, path, f"{REF_PREFIX}{attachment.id}")
    errors.update(_foreign_refs(task, raw, labels))
    if errors:
        raise InvalidInput(errors)
    return recorded


def _record_staged(task: Task, path: str, ref: str, user: User) -> Attachment | None:
    """The attachment row of a staged file; None unless this person staged it for this field
    of this task and its bytes are still there, unchanged."""
    sha256, signature, name = (ref.removeprefix(UPLOAD_PREFIX).split(":", 2) + ["", ""])[:3]
    if not hmac.compare_digest(signature, _signature(task.id, path, sha256, name, user)):
        return None
    try:
        content = read_stored(sha256)
    except NotFound:
        return None
    kept = _same_file(task, path, sha256, name)
    if kept is not None:  # chosen again after a refused submit or a 暂存: listed once
        return kept
    kind = next((k for k in kinds_of(path) if k.matches(content[:16])), PDF)
    stored = StoredFile(sha256, f"{sha256[:2]}/{sha256}", len(content))
    return _recorded(task.instance_id, task.task_name, path, name, kind, stored, user)


def _same_file(task: Task, path: str, sha256: str, name: str) -> Attachment | None:
    """The attachment already recording these bytes under this name for this field of the
    task (the same file uploaded again), if any."""
    return db.session.scalar(sa.select(Attachment).filter_by(
        instance_id=task.instance_id, task_name=task.task_name, field=path, sha256=sha256,
        filename=name).order_by(Attachment.id).limit(1))


def _foreign_refs(task: Task, raw: dict, labels: dict) -> dict:
    errors = {}
    for path, label in labels.items():
        ref = str(_get(raw, path) or "")
        if ref.startswith(REF_PREFIX):
            ident = ref.removeprefix(REF_PREFIX)
            found = db.session.get(Attachment, int(ident)) \
                if ident.isdigit() and len(ident) < 12 else None
            if found is None or found.instance_id != task.instance_id:
                errors[path] = [f"「{label}」所引用的文件不存在，请重新上传"]
    return errors


def file_names(task: Task, raw: dict) -> dict[str, str]:
    """{reference: file name} of the files a task's form may show: those of its instance and
    those staged in ``raw`` (a refused form shows them as uploaded)."""
    names = attachment_names(task.instance_id)
    for path in task_file_fields(task.instance, task.task_name):
        ref = str(_get(raw, path) or "")
        if ref.startswith(UPLOAD_PREFIX) and ref.count(":") >= 3:
            names[ref] = ref.split(":", 3)[3]
    return names


def attachment_names(instance_id: int) -> dict[str, str]:
    """{reference: file name} of the files uploaded to an instance (to show what is there)."""
    return {ref: name for ref, (_, name) in stored_files(instance_id).items()}


def stored_files(instance_id: int) -> dict[str, tuple[int, str]]:
    """{reference: (attachment id, file name)} of the files uploaded to an instance (read once
    per transaction: a task page's form and its panels both show them)."""
    return dict(read_once(("stored_files", instance_id), lambda: {
        f"{REF_PREFIX}{ident}": (ident, name) for ident, name in db.session.execute(
            sa.select(Attachment.id, Attachment.filename).filter_by(instance_id=instance_id))}))


def _get(data: dict, path: str):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _set(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value
