import zipfile

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Event, Participant, User


def _snapshot():
    return {
        "events": db.session.scalars(select(Event.slug)).all(),
        "people": db.session.execute(select(Participant.public_id, Participant.full_name, Participant.created_at,
                                            Participant.consent_at).order_by(Participant.id)).all(),
        "users": db.session.scalars(select(User.email).order_by(User.id)).all(),
    }


def test_backup_and_restore_round_trip_the_demo(app, demo_event, tmp_path):
    runner = app.test_cli_runner()
    before = _snapshot()
    archive = tmp_path / "plm.backup"
    result = runner.invoke(args=["plm", "backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(archive).read("manifest.json")
    # Lose data, then restore.
    db.session.execute(Participant.__table__.delete())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    result = runner.invoke(args=["plm", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _snapshot() == before
    # New rows still get fresh ids after the restore (sequences moved on PostgreSQL).
    event = db.session.scalar(select(Event))
    db.session.add(Participant(event_id=event.id, full_name="Baru", email="baru@mail.example"))
    db.session.commit()


def test_restore_refuses_garbage_and_changes_nothing(app, demo_event, tmp_path):
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"not a zip")
    result = app.test_cli_runner().invoke(args=["plm", "restore", str(bad), "--yes"])
    assert result.exit_code == 1 and "not a PLM backup" in result.output
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 350


def test_restore_of_a_truncated_table_changes_nothing(app, demo_event, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.backup"
    runner.invoke(args=["plm", "backup", "-o", str(good)])
    broken = tmp_path / "broken.backup"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            if item == "tables/participants.jsonl":
                data = b"\n".join(data.split(b"\n")[:100]) + b"\n"
            target.writestr(item, data)
    result = runner.invoke(args=["plm", "restore", str(broken), "--yes"])
    assert result.exit_code == 1 and "nothing was changed" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 350


def _rewrite(source_path, target_path, change):
    """Copy an archive member by member, `change(name, data)` returning the new bytes or None to drop it."""
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            data = change(item, source.read(item))
            if data is not None:
                target.writestr(item, data)


def _count_people():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Participant))


def test_restore_refuses_a_tampered_archive_and_changes_nothing(app, demo_event, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.backup"
    assert runner.invoke(args=["plm", "backup", "-o", str(good)]).exit_code == 0
    before = _snapshot()
    # A participant renamed, same row count: only the digests notice.
    renamed = tmp_path / "renamed.backup"
    first = before["people"][0].full_name.encode()
    _rewrite(good, renamed, lambda name, data: data.replace(first, b"Mallory", 1)
             if name == "tables/participants.jsonl" else data)
    # The manifest edited to match the edit: the signature notices.
    import hashlib
    import json

    def forge(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            with zipfile.ZipFile(renamed) as archive:
                manifest["files"]["tables/participants.jsonl"]["sha256"] = hashlib.sha256(
                    archive.read("tables/participants.jsonl")).hexdigest()
            return json.dumps(manifest).encode()
        return data
    forged = tmp_path / "forged.backup"
    _rewrite(renamed, forged, forge)
    # An extra file slipped in.
    extra = tmp_path / "extra.backup"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(extra, "w") as target:
        for item in source.namelist():
            target.writestr(item, source.read(item))
        target.writestr("uploads/../../evil.txt", b"x")
    for path, words in ((renamed, "was changed after the backup was made"), (forged, "signature does not match"),
                        (extra, "does not list")):
        result = runner.invoke(args=["plm", "restore", str(path), "--yes"])
        assert result.exit_code == 1 and words in result.output and "nothing was changed" in result.output, path
        db.session.expire_all()
        assert _snapshot() == before


def test_restore_of_an_unsigned_backup_needs_the_flag(app, demo_event, tmp_path):
    runner = app.test_cli_runner()
    good = tmp_path / "good.backup"
    runner.invoke(args=["plm", "backup", "-o", str(good)])
    old = tmp_path / "old.backup"  # as made before signatures: no manifest.sig, no file digests
    import json
    _rewrite(good, old, lambda name, data: None if name == "manifest.sig" else
             (json.dumps({k: v for k, v in json.loads(data).items() if k != "files"}).encode()
              if name == "manifest.json" else data))
    db.session.execute(Participant.__table__.delete().where(Participant.id > 300))
    db.session.commit()
    result = runner.invoke(args=["plm", "restore", str(old), "--yes"])
    assert result.exit_code == 1 and "no signature" in result.output and "--unsigned" in result.output
    assert _count_people() == 300
    result = runner.invoke(args=["plm", "restore", str(old), "--yes", "--unsigned"])
    assert result.exit_code == 0, result.output
    assert _count_people() == 350
    # Another server's key is the same refusal as a forgery.
    app.config["SECRET_KEY"] = "another-key-" + "x" * 40
    result = runner.invoke(args=["plm", "restore", str(good), "--yes"])
    assert result.exit_code == 1 and "signature does not match" in result.output


def test_restore_streams_entries_in_bounded_reads(app, event, tmp_path, monkeypatch):
    """A big upload and a big row are read in chunks of at most CHUNK / MAX_RECORD bytes, never whole."""
    from plm import backup

    monkeypatch.setattr(backup, "CHUNK", 64 * 1024)
    monkeypatch.setattr(backup, "MAX_RECORD", 256 * 1024)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "big.bin").write_bytes(b"\0" * (8 * 1024 * 1024))
    app.config["UPLOAD_FOLDER"] = str(uploads)
    runner = app.test_cli_runner()
    archive = tmp_path / "plm.backup"
    assert runner.invoke(args=["plm", "backup", "-o", str(archive)]).exit_code == 0
    (uploads / "big.bin").unlink()
    asked = []
    original_read = zipfile.ZipExtFile.read

    def spy(self, n=-1):
        asked.append(n)
        return original_read(self, n)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    result = runner.invoke(args=["plm", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert (uploads / "big.bin").stat().st_size == 8 * 1024 * 1024
    assert asked and all(0 <= n <= backup.MAX_MANIFEST + 1 for n in asked), sorted(set(asked))[-3:]
    # One row past the cap (a signed archive made here, as `backup` would): refused with a message, not
    # read whole; nothing changed.
    import hashlib
    import hmac
    import json
    monkeypatch.setattr(zipfile.ZipExtFile, "read", original_read)
    key = backup.backup_key(app.config["SECRET_KEY"])
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    members.pop("manifest.sig")
    members["tables/events.jsonl"] += b'{"name": "' + b"x" * (backup.MAX_RECORD + 10) + b'"}\n'
    manifest["files"]["tables/events.jsonl"]["sha256"] = hashlib.sha256(members["tables/events.jsonl"]).hexdigest()
    body = json.dumps(manifest).encode()
    big = tmp_path / "big.backup"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
        target.writestr("manifest.json", body)
        target.writestr("manifest.sig", hmac.new(key, body, hashlib.sha256).hexdigest())
    db.session.execute(Event.__table__.update().values(name="Kept"))
    db.session.commit()
    result = runner.invoke(args=["plm", "restore", str(big), "--yes"])
    assert result.exit_code == 1 and "larger than" in result.output and "nothing was changed" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Event.name)) == "Kept"
