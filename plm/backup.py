"""Whole-database backup and restore in a portable archive.

The archive is a zip of JSON lines, one file per table, plus the uploaded images and a
manifest with the schema revision. Being database-neutral, a backup taken on the venue
laptop's SQLite restores into a PostgreSQL server and back. Restore runs in one
transaction: a broken archive changes nothing.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date, datetime
from typing import Any, Callable, Optional

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

FORMAT = "plm-backup-1"
BATCH = 500


class BackupError(RuntimeError):
    """The archive cannot be restored here; nothing was changed."""


def _column_kind(column) -> str:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    return "plain"


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    return value


def schema_revision(connection: Connection) -> Optional[str]:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def write_backup(connection: Connection, tables: list[Table], path: str, upload_folder: Optional[str] = None,
                 progress: Optional[Callable[[str, int], None]] = None) -> dict:
    """Write every row of `tables` (in dependency order) and the uploads to a zip at `path`."""
    counts: dict[str, int] = {}
    tmp_path = path + ".part"
    with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            names = [c.name for c in table.columns]
            order = [table.c[name] for name in names if table.c[name].primary_key] or [table.c[names[0]]]
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as handle:
                for row in connection.execute(select(table).order_by(*order)):
                    record = {name: _encode(value) for name, value in zip(names, row)}
                    handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
                    count += 1
            counts[table.name] = count
            if progress:
                progress(table.name, count)
        if upload_folder and os.path.isdir(upload_folder):
            for root, _dirs, files in os.walk(upload_folder):
                for name in files:
                    full = os.path.join(root, name)
                    archive.write(full, "uploads/" + os.path.relpath(full, upload_folder))
        manifest = {"format": FORMAT, "revision": schema_revision(connection), "created_at": datetime.now().astimezone().isoformat(),
                    "dialect": connection.dialect.name, "tables": counts}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    os.replace(tmp_path, path)
    return manifest


def read_manifest(path: str) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"not a PLM backup: {exc}")
    if manifest.get("format") != FORMAT:
        raise BackupError("not a PLM backup (unknown format)")
    return manifest


def restore_backup(connection: Connection, tables: list[Table], path: str, upload_folder: Optional[str] = None) -> dict:
    """Replace every row of `tables` with the archive's. Call inside a transaction."""
    manifest = read_manifest(path)
    current = schema_revision(connection)
    if manifest.get("revision") != current:
        raise BackupError(
            f"the backup is of schema revision {manifest.get('revision')}, this database is at {current}; "
            "run `flask plm init` with the code version that made the backup"
        )
    known = {table.name for table in tables}
    unknown = set(manifest["tables"]) - known
    if unknown:
        raise BackupError(f"the backup has tables this version does not know: {sorted(unknown)}")
    for table in reversed(tables):
        connection.execute(table.delete())
    restored: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for table in tables:
            if table.name not in manifest["tables"]:
                continue
            kinds = {column.name: _column_kind(column) for column in table.columns}
            batch: list[dict] = []
            count = 0
            with archive.open(f"tables/{table.name}.jsonl") as handle:
                for line in handle:
                    record = json.loads(line)
                    batch.append({name: _decode(kinds[name], value) for name, value in record.items() if name in kinds})
                    if len(batch) >= BATCH:
                        connection.execute(table.insert(), batch)
                        count += len(batch)
                        batch = []
            if batch:
                connection.execute(table.insert(), batch)
                count += len(batch)
            if count != manifest["tables"][table.name]:
                raise BackupError(f"table {table.name}: expected {manifest['tables'][table.name]} rows, read {count}")
            restored[table.name] = count
            _reset_sequence(connection, table)
        if upload_folder:
            for name in archive.namelist():
                if name.startswith("uploads/") and not name.endswith("/"):
                    target = os.path.realpath(os.path.join(upload_folder, name[len("uploads/"):]))
                    if not target.startswith(os.path.realpath(upload_folder) + os.sep):
                        raise BackupError(f"unsafe path in archive: {name}")
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as out:
                        out.write(archive.read(name))
    return restored


def _reset_sequence(connection: Connection, table: Table) -> None:
    """PostgreSQL: move the id sequence past the restored ids so new rows don't collide."""
    if connection.dialect.name != "postgresql" or "id" not in table.c:
        return
    highest = connection.execute(select(func.max(table.c.id))).scalar()
    sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
    if sequence:
        if highest is None:
            connection.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
        else:
            connection.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": highest})
