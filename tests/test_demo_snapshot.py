"""The `demo_event` fixture's copy of the demo (tests/conftest.py `load_demo_cached`): what it inserts
again is row for row what load_demo wrote, and new rows still get fresh ids (PostgreSQL's sequences)."""

from datetime import date

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Event, Participant
from tests.conftest import _demo_snapshots, _empty_all_tables, load_demo_cached

FIRST_DAY = date(2015, 5, 18)
COUNT = 23  # no other test asks for this size: the first load below is a real load_demo


def every_row() -> dict[str, list[tuple]]:
    return {table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables}


def test_the_demo_inserted_again_is_the_demo_load_demo_wrote(app):
    _demo_snapshots.pop((FIRST_DAY, COUNT, app.config["SECRET_KEY"]), None)
    load_demo_cached(FIRST_DAY, count=COUNT)
    loaded = every_row()
    assert len(loaded["participants"]) == COUNT and loaded["events"] and loaded["users"]
    assert (FIRST_DAY, COUNT, app.config["SECRET_KEY"]) in _demo_snapshots
    highest = db.session.scalar(select(func.max(Participant.id)))
    db.session.remove()
    _empty_all_tables()
    assert not any(every_row().values())

    load_demo_cached(FIRST_DAY, count=COUNT)
    assert every_row() == loaded
    # A new row after the copy gets the next id, as after a real load.
    event = db.session.scalar(select(Event))
    newcomer = Participant(event_id=event.id, full_name="Peserta Baru", email="baru@test.example",
                           institution="TBM Baru", province="Bali")
    db.session.add(newcomer)
    db.session.commit()
    assert newcomer.id == highest + 1


def test_a_database_with_rows_gets_a_real_load(app, event):
    key = (FIRST_DAY, COUNT + 1, app.config["SECRET_KEY"])
    load_demo_cached(FIRST_DAY, count=COUNT + 1)
    assert key not in _demo_snapshots  # the test's own event would have been copied into every later demo
    assert db.session.scalar(select(func.count()).select_from(Event)) == 2
