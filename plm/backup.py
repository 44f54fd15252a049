"""Whole-database backup and restore in a portable archive.

The archive is a zip of JSON lines, one file per table, plus the uploaded images and a
manifest with the schema revision. Being database-neutral, a backup taken on the venue
laptop's SQLite restores into a PostgreSQL server and back. Restore runs in one
transaction: a broken archive changes nothing.

Restore trusts nothing it has not checked: the manifest lists every member's SHA-256 and
`manifest.sig` is an HMAC of the manifest keyed by the app's SECRET_KEY, so an archive edited
after the fact (a participant added, a password hash swapped) is refused before any row is
touched. Old or foreign-key archives restore only with an explicit `unsigned=True`. Every
member is streamed in bounded chunks and lines: a 1 GiB entry never sits in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from plm import clock

FORMAT = "plm-backup-1"
BATCH = 500
SIGNATURE = "manifest.sig"
CHUNK = 1024 * 1024  # bytes read from an archive member at a time
MAX_RECORD = 16 * 1024 * 1024  # one table row (one JSON line); far above any real row
MAX_MANIFEST = 4 * 1024 * 1024


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


def backup_key(secret_key: str | bytes) -> bytes:
    """The HMAC key for backups, derived from SECRET_KEY so it signs nothing else."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, b"plm-backup-signature-v1", hashlib.sha256).digest()


class _Hashing:
    """A write-only file wrapper that hashes what passes through."""

    def __init__(self, handle):
        self.handle, self.sha256, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)


def schema_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def write_backup(connection: Connection, tables: list[Table], path: str, upload_folder: str | None = None,
                 progress: Callable[[str, int], None] | None = None, *, key: bytes) -> dict:
    """Write every row of `tables` (in dependency order) and the uploads to a zip at `path`, signed
    with `key` (backup_key(SECRET_KEY))."""
    counts: dict[str, int] = {}
    files: dict[str, dict] = {}
    tmp_path = path + ".part"
    with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            names = [c.name for c in table.columns]
            order = [table.c[name] for name in names if table.c[name].primary_key] or [table.c[names[0]]]
            count = 0
            member = f"tables/{table.name}.jsonl"
            with archive.open(member, "w") as raw:
                handle = _Hashing(raw)
                for row in connection.execute(select(table).order_by(*order)):
                    record = {name: _encode(value) for name, value in zip(names, row, strict=False)}
                    handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
                    count += 1
            files[member] = {"sha256": handle.sha256.hexdigest(), "size": handle.size}
            counts[table.name] = count
            if progress:
                progress(table.name, count)
        if upload_folder and os.path.isdir(upload_folder):
            for root, _dirs, names_here in os.walk(upload_folder):
                for name in names_here:
                    full = os.path.join(root, name)
                    member = "uploads/" + os.path.relpath(full, upload_folder)
                    with open(full, "rb") as source, archive.open(member, "w") as raw:
                        handle = _Hashing(raw)
                        shutil.copyfileobj(source, handle, CHUNK)
                    files[member] = {"sha256": handle.sha256.hexdigest(), "size": handle.size}
        manifest = {"format": FORMAT, "revision": schema_revision(connection), "created_at": clock.utcnow().astimezone().isoformat(),
                    "dialect": connection.dialect.name, "tables": counts, "files": files}
        body = json.dumps(manifest, indent=2).encode()
        archive.writestr("manifest.json", body)
        archive.writestr(SIGNATURE, hmac.new(key, body, hashlib.sha256).hexdigest())
    os.replace(tmp_path, path)
    return manifest


def read_manifest(path: str, key: bytes | None = None, unsigned: bool = False) -> dict:
    """The archive's manifest, its signature checked with `key` unless `unsigned` (old backups, or
    made with another SECRET_KEY: the operator said so on the command line)."""
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open("manifest.json") as handle:
                body = handle.read(MAX_MANIFEST + 1)
            if len(body) > MAX_MANIFEST:
                raise BackupError("not a PLM backup: the manifest is too large")
            signature = None
            if SIGNATURE in archive.namelist():
                with archive.open(SIGNATURE) as handle:
                    signature = handle.read(200).strip()
        manifest = json.loads(body)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"not a PLM backup: {exc}")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a PLM backup (unknown format)")
    if unsigned:
        return manifest
    if signature is None:
        raise BackupError("the backup carries no signature (made by an older PLM version?); "
                          "if you trust the file, restore it with --unsigned")
    if key is None or not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
        raise BackupError("the backup's signature does not match: it was changed after it was made, or made "
                          "with another SECRET_KEY; if you trust the file, restore it with --unsigned")
    return manifest


def _check_members(archive: zipfile.ZipFile, manifest: dict, unsigned: bool) -> None:
    """Every member is listed in the signed manifest with its SHA-256 and matches it (streamed)."""
    files = manifest.get("files")
    if files is None and unsigned:
        return  # a backup from before signatures: nothing to compare with
    if not isinstance(files, dict):
        raise BackupError("not a PLM backup: the manifest lists no files")
    present = {info.filename: info for info in archive.infolist() if not info.filename.endswith("/")}
    extra = set(present) - set(files) - {"manifest.json", SIGNATURE}
    if extra:
        raise BackupError(f"the backup holds files its manifest does not list: {sorted(extra)[:5]}")
    for name, expected in files.items():
        if name not in present:
            raise BackupError(f"the backup lacks {name}")
        digest = hashlib.sha256()
        with archive.open(present[name]) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != expected.get("sha256"):
            raise BackupError(f"{name} was changed after the backup was made")


def restore_backup(connection: Connection, tables: list[Table], path: str, upload_folder: str | None = None,
                   *, key: bytes | None, unsigned: bool = False) -> dict:
    """Replace every row of `tables` with the archive's. Call inside a transaction.

    The signature and every member's digest are checked before the first row is deleted."""
    manifest = read_manifest(path, key, unsigned)
    if not isinstance(manifest.get("tables"), dict):
        raise BackupError("not a PLM backup: the manifest lists no tables")
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
    restored: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        _check_members(archive, manifest, unsigned)
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if table.name not in manifest["tables"]:
                continue
            kinds = {column.name: _column_kind(column) for column in table.columns}
            batch: list[dict] = []
            count = 0
            with archive.open(f"tables/{table.name}.jsonl") as handle:
                while line := handle.readline(MAX_RECORD + 1):
                    if len(line) > MAX_RECORD:
                        raise BackupError(f"table {table.name}: a row is larger than {MAX_RECORD:,} bytes")
                    try:
                        record = json.loads(line)
                    except ValueError as exc:
                        raise BackupError(f"table {table.name}: a row is not JSON ({exc})")
                    if not isinstance(record, dict):
                        raise BackupError(f"table {table.name}: a row is not a JSON object")
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
                    with archive.open(name) as source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out, CHUNK)
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
