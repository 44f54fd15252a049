"""Read the demo's data files (plm/demo/*.json, *.csv) into plain Python values.

The files are package data, read next to this module, so the demo works from any working directory.
No Flask or SQLAlchemy here: `plm.demo.people` draws registrants from these tables and `plm.demo`
turns everything into database rows. plm/demo/README.md says what each file holds.
"""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass
from importlib import resources

_FILES = resources.files(__package__)


def _json(name: str):
    return json.loads(_FILES.joinpath(name).read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_FILES.joinpath(name).read_text(encoding="utf-8").splitlines()))


# ---- the event, its staff, rooms and tracks

DEMO_EVENT: dict = _json("event.json")
DEMO_EVENT["original_start"] = datetime.date.fromisoformat(DEMO_EVENT["original_start"])
# The one deliberate double booking, kept so the conflict checker has something to find.
DEMO_CONFLICT_TITLES: tuple[str, str] = tuple(DEMO_EVENT.pop("room_conflict"))

# No passwords: load_demo() makes random ones and `flask plm demo` prints them once.
DEMO_STAFF: list[dict[str, str]] = _csv("staff.csv")
DEMO_ROOMS: list[tuple[str, int, str]] = [(r["name"], int(r["capacity"]), r["notes"]) for r in _csv("rooms.csv")]
DEMO_TRACKS: list[tuple[str, str]] = [(r["name"], r["colour"]) for r in _csv("tracks.csv")]


@dataclass(frozen=True)
class DemoSession:
    """One programme item. `date` is the calendar day for the start_date given to demo_schedule()."""

    day_index: int
    start: str
    end: str
    room: str
    title: str
    kind: str  # plenary, sharing, workshop, break
    track: str | None
    capacity: int | None
    signup_required: bool
    facilitator_count: int
    description: str
    date: datetime.date | None = None


_SESSIONS = _csv("sessions.csv")


def demo_schedule(start_date: datetime.date | None = None) -> list[DemoSession]:
    """The four-day programme in time order; sessions carry day offsets, `date` is filled from start_date."""
    first = start_date or DEMO_EVENT["original_start"]
    sessions = [
        DemoSession(
            day_index=int(row["day"]) - 1, start=row["start"], end=row["end"], room=row["room"],
            title=row["title"], kind=row["kind"], track=row["track"] or None,
            capacity=int(row["capacity"]) if row["capacity"] else None, signup_required=row["signup"] == "yes",
            facilitator_count=int(row["facilitators"]), description=row["description"],
            date=first + datetime.timedelta(days=int(row["day"]) - 1),
        )
        for row in _SESSIONS
    ]
    return sorted(sessions, key=lambda s: (s.day_index, s.start, s.room))


# ---- places: the 16 delegations, their regencies, villages and naming traditions

_DELEGATIONS = _csv("delegations.csv")
SEED_PROVINCES: tuple[str, ...] = tuple(row["province"] for row in _DELEGATIONS)
PROVINCE_WEIGHTS: dict[str, int] = {row["province"]: int(row["weight"]) for row in _DELEGATIONS}

_PLACES = _json("places.json")
REGENCIES: dict[str, list[str]] = {p: place["regencies"] for p, place in _PLACES.items()}
VILLAGES: dict[str, list[str]] = {p: place["villages"] for p, place in _PLACES.items()}
# (culture, weight, regencies where its people live, or None for the whole province)
PROVINCE_CULTURES: dict[str, list[tuple[str, int, list[str] | None]]] = {
    p: [(c["culture"], c["weight"], c["regencies"]) for c in place["cultures"]] for p, place in _PLACES.items()
}

# ---- institutions, names, and the rest of what a registrant is made of

INSTITUTIONS: dict = _json("institutions.json")
INSTITUTION_TYPES: tuple[str, ...] = tuple(INSTITUTIONS["types"])
NAMES: dict = _json("names.json")
PEOPLE: dict = _json("people.json")
