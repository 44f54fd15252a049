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
