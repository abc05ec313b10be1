"""Backup and restore: one archive holds every table and every uploaded or rendered file, portable
between SQLite and PostgreSQL (a backup of one restores into the other).

The archive (``.tar.gz``):
- ``manifest.json``: format, the schema's alembic revision, when, from which database, and per
  table its row count and the SHA-256 of its rows file, per file its SHA-256;
- ``tables/<table>.jsonl``: the rows, one JSON object a line, tables in dependency order;
- ``files/<key>``: everything under UPLOAD_DIR (uploads and frozen documents, content-addressed).

The rows are a consistent snapshot while the app runs: PostgreSQL reads them in one REPEATABLE
READ transaction; SQLite is first copied with its online backup API. Rows are streamed, never a
whole table in memory. A restore checks everything before it writes anything, then inserts every
row in one transaction (all or nothing) and moves the files into place.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from ...extensions import db
from .errors import Conflict, InvalidInput

FORMAT = 1
BATCH = 500


@dataclass
class Summary:
    tables: int
    rows: int
    files: int
    size: int = 0


# ---- backup -------------------------------------------------------------------------------------

def backup(archive: Path, upload_dir: Path) -> Summary:
    tables = db.metadata.sorted_tables
    manifest = {"format": FORMAT, "app": "grantflow", "revision": current_revision(),
                "created_at": datetime.now(timezone.utc).isoformat(),
                "database": db.engine.dialect.name, "tables": {}, "files": {}}
    with tempfile.TemporaryDirectory(prefix="grantflow-backup.") as work, \
            tarfile.open(archive.with_suffix(".partial"), "w:gz") as tar:
        with _snapshot(Path(work)) as conn:
            for table in tables:
                rows_file = Path(work) / f"{table.name}.jsonl"
                manifest["tables"][table.name] = _dump_table(conn, table, rows_file)
                tar.add(rows_file, f"tables/{table.name}.jsonl")
                rows_file.unlink()
        for path in sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []:
            key = path.relative_to(upload_dir).as_posix()
            manifest["files"][key] = _sha256_of(path)
            tar.add(path, f"files/{key}")
        _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    os.replace(archive.with_suffix(".partial"), archive)
    return Summary(len(tables), sum(t["rows"] for t in manifest["tables"].values()),
                   len(manifest["files"]), archive.stat().st_size)


@contextmanager
def _snapshot(work: Path):
    """A connection that sees one moment of the database, whatever is written meanwhile."""
    if db.engine.dialect.name == "sqlite":
        copy = work / "snapshot.sqlite"
        source = db.engine.raw_connection()
        try:
            with sqlite3.connect(copy) as target:
                source.driver_connection.backup(target)
        finally:
            source.close()
        engine = sa.create_engine(f"sqlite:///{copy}")
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()
        return
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


def _dump_table(conn, table: sa.Table, rows_file: Path) -> dict:
    digest, count = hashlib.sha256(), 0
    order = list(table.primary_key.columns) or list(table.columns)
    with rows_file.open("wb") as out:
        result = conn.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
        for row in result.mappings():
            line = json.dumps({name: _encode(value) for name, value in row.items()},
                              ensure_ascii=False, sort_keys=True).encode() + b"\n"
            out.write(line)
            digest.update(line)
            count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    tar.addfile(info, io.BytesIO(content))


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


# ---- restore ------------------------------------------------------------------------------------

def restore(archive: Path, upload_dir: Path, force: bool = False) -> Summary:
    """Everything is checked first (readable archive, same schema revision, checksums, an empty
    database unless ``force``); then the rows in one transaction, then the files."""
    with tempfile.TemporaryDirectory(prefix="grantflow-restore.", dir=_beside(upload_dir)) as work:
        manifest = _unpack(archive, Path(work))
        _check_revision(manifest)
        _check_checksums(manifest, Path(work))
        rows = _load_rows(manifest, Path(work), force)
        _place_files(manifest, Path(work) / "files", upload_dir)
    return Summary(len(manifest["tables"]), rows, len(manifest["files"]))


def _beside(upload_dir: Path) -> Path:
    """Unpack on the uploads' own file system, so placing a file is a rename."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    return upload_dir.parent


def _unpack(archive: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, no "..", no devices
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, tarfile.TarError, EOFError, ValueError) as error:
        raise InvalidInput({"archive": [f"备份文件无法读取（已损坏或不是 grantflow 备份）：{error}"]})
    if manifest.get("app") != "grantflow" or manifest.get("format") != FORMAT:
        raise InvalidInput({"archive": ["不是本系统可识别格式的备份文件"]})
    return manifest


def _check_revision(manifest: dict) -> None:
    here = current_revision()
    if manifest["revision"] != here:
        raise Conflict(f"备份的数据库结构版本为 {manifest['revision']}，本系统为 {here}："
                       "请用与备份时相同版本的程序恢复，再升级。")


def _check_checksums(manifest: dict, work: Path) -> None:
    bad = [f"tables/{name}.jsonl" for name, facts in manifest["tables"].items()
           if not (work / "tables" / f"{name}.jsonl").is_file()
           or _sha256_of(work / "tables" / f"{name}.jsonl") != facts["sha256"]]
    bad += [f"files/{key}" for key, sha in manifest["files"].items()
            if not (work / "files" / key).is_file() or _sha256_of(work / "files" / key) != sha]
    if bad:
        raise InvalidInput({"archive": [f"备份文件校验失败（内容被改动或不完整）：{', '.join(bad[:5])}"]})


def _load_rows(manifest: dict, work: Path, force: bool) -> int:
    known = {table.name: table for table in db.metadata.sorted_tables}
    if unknown := set(manifest["tables"]) - set(known):
        raise InvalidInput({"archive": [f"备份中有本系统没有的数据表：{', '.join(sorted(unknown))}"]})
    count = 0
    with db.engine.begin() as conn:
        if not force and (filled := _filled_tables(conn)):
            raise Conflict(f"目标数据库不是空的（{', '.join(filled[:5])} 已有数据）：恢复会覆盖它们，"
                           "确需覆盖请加 --force。")
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if table.name in manifest["tables"]:
                count += _insert_rows(conn, table, work / "tables" / f"{table.name}.jsonl")
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return count


def _filled_tables(conn) -> list[str]:
    return [table.name for table in db.metadata.sorted_tables
            if conn.scalar(sa.select(sa.literal(1)).select_from(table).limit(1))]


def _insert_rows(conn, table: sa.Table, rows_file: Path) -> int:
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    batch, count = [], 0
    with rows_file.open("rb") as source:
        for line in source:
            row = json.loads(line)
            batch.append({name: decoders[name](value) for name, value in row.items()})
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _decoder(column_type):
    kind = column_type.impl if isinstance(column_type, sa.TypeDecorator) else column_type
    if isinstance(kind, sa.DateTime):
        return _optional(datetime.fromisoformat)
    if isinstance(kind, sa.Date):
        return _optional(date.fromisoformat)
    if isinstance(kind, sa.Numeric) and kind.asdecimal:
        return _optional(Decimal)
    if isinstance(kind, sa.LargeBinary):
        return _optional(base64.b64decode)
    return lambda value: value


def _optional(convert):
    return lambda value: None if value is None else convert(value)


def _reset_sequences(conn) -> None:
    """The next id after the restored ones (PostgreSQL identity/serial columns)."""
    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not isinstance(column.type, sa.Integer) or not column.autoincrement:
            continue
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence:
            conn.execute(sa.text(f"SELECT setval(:s, COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"),
                         {"s": sequence})


def _place_files(manifest: dict, unpacked: Path, upload_dir: Path) -> None:
    for key in manifest["files"]:
        target = upload_dir / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(unpacked / key, target)
