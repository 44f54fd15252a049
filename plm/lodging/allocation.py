"""The rooming suggestion and the conflict check: pure functions on plain data, no database.

`suggest` fills rooms greedily in a fixed order, so the same people and rooms always give the same
rooms, whatever order they are passed in. Its rules, never broken: a room holds one gender; a person
without a gender answer sleeps alone or is left out with a reason; no night over capacity; a person
goes only into a room open for every night of their stay. Within those rules the organiser chooses to
MIX provinces and institutions (peer learning) or KEEP an institution, then a province, together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class RoomSpec:
    id: int
    capacity: int
    first_night: date
    last_night: date
    order: tuple = ()  # how rooms sort for the organiser (hotel, number); ties by id


@dataclass(frozen=True)
class PersonSpec:
    id: int
    gender: str | None  # "female" / "male"; None when not answered
    province: str
    institution: str
    first_night: date | None  # None: no night to sleep (arrives and leaves the same day)
    last_night: date | None


class Unassigned(StrEnum):
    NO_NIGHTS = "no_nights"
    NO_GENDER = "no_gender"  # no gender answer and no room free to sleep alone
    NO_ROOM = "no_room"  # no room of their gender with a bed for all their nights


@dataclass
class Suggestion:
    rooms: dict[int, int] = field(default_factory=dict)  # person id -> room id
    unassigned: dict[int, Unassigned] = field(default_factory=dict)


def nights(first: date | None, last: date | None) -> list[date]:
    if first is None or last is None or last < first:
        return []
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def stay_nights(arrival: date | None, departure: date | None) -> tuple[date, date] | None:
    """(first night, last night) of a stay from arrival to departure; None when no night is slept."""
    if arrival is None or departure is None or departure <= arrival:
        return None
    return arrival, departure - timedelta(days=1)


class _Room:
    def __init__(self, spec: RoomSpec):
        self.spec = spec
        self.gender: str | None = None
        self.alone = False  # taken by someone without a gender answer
        self.beds: dict[date, int] = defaultdict(int)
        self.people: list[PersonSpec] = []

    def fits(self, person: PersonSpec, stay: list[date]) -> bool:
        spec = self.spec
        if self.alone or not stay or stay[0] < spec.first_night or stay[-1] > spec.last_night:
            return False
        if person.gender is None:
            return not self.people
        if self.gender not in (None, person.gender):
            return False
        return all(self.beds[night] < spec.capacity for night in stay)

    def add(self, person: PersonSpec, stay: list[date]) -> None:
        self.people.append(person)
        if person.gender is None:
            self.alone = True
        else:
            self.gender = person.gender
        for night in stay:
            self.beds[night] += 1

    def sharing(self, person: PersonSpec, stay: list[date]) -> list[PersonSpec]:
        """The people already here on at least one of this person's nights."""
        wanted = set(stay)
        return [other for other in self.people if wanted.intersection(nights(other.first_night, other.last_night))]


def _rank(room: _Room, person: PersonSpec, stay: list[date], mode: str) -> tuple:
    mates = room.sharing(person, stay)
    same_institution = any(m.institution and m.institution == person.institution for m in mates)
    same_province = any(m.province and m.province == person.province for m in mates)
    # A started room before an empty one in both modes: beds are not wasted on a preference. Of the empty
    # rooms the largest first: fewer rooms used, and single rooms stay for those who must sleep alone.
    if not mates:
        return (3, -room.spec.capacity, room.spec.order, room.spec.id)
    if mode == "keep":
        group = 0 if same_institution else 1 if same_province else 2
    else:
        group = 2 if same_institution else 1 if same_province else 0
    return (group, room.spec.order, room.spec.id)


def _mixed_order(people: list[PersonSpec]) -> list[PersonSpec]:
    """Each next person from the province with the most people left that is not the previous one's
    (ties by name), so consecutive people, who fill a room together, come from different provinces."""
    by_province: dict[str, list[PersonSpec]] = defaultdict(list)
    for person in people:
        by_province[person.province].append(person)
    ordered: list[PersonSpec] = []
    previous: str | None = None
    while len(ordered) < len(people):
        left = [key for key in by_province if by_province[key]]
        choices = [key for key in left if key != previous] or left
        province = min(choices, key=lambda key: (-len(by_province[key]), key))
        ordered.append(by_province[province].pop(0))
        previous = province
    return ordered


def suggest(rooms: list[RoomSpec], people: list[PersonSpec], mode: str = "mix") -> Suggestion:
    """Rooms for people. Deterministic: inputs are sorted first (rooms by order then id, people by id)."""
    result = Suggestion()
    places = [_Room(spec) for spec in sorted(rooms, key=lambda r: (r.order, r.id))]
    people = sorted(people, key=lambda p: p.id)
    staying = []
    for person in people:
        if not nights(person.first_night, person.last_night):
            result.unassigned[person.id] = Unassigned.NO_NIGHTS
        else:
            staying.append(person)
    # People without a gender first, each alone in the smallest free room: sharing rooms stay for the rest.
    for person in (p for p in staying if p.gender is None):
        stay = nights(person.first_night, person.last_night)
        free = [room for room in places if room.fits(person, stay)]
        if not free:
            result.unassigned[person.id] = Unassigned.NO_GENDER
            continue
        room = min(free, key=lambda r: (r.spec.capacity, r.spec.order, r.spec.id))
        room.add(person, stay)
        result.rooms[person.id] = room.spec.id
    for gender in sorted({p.gender for p in staying if p.gender is not None}):
        group = [p for p in staying if p.gender == gender]
        if mode == "keep":
            group.sort(key=lambda p: (p.province, p.institution, p.first_night, p.id))
        else:
            group = _mixed_order(group)
        for person in group:
            stay = nights(person.first_night, person.last_night)
            candidates = [room for room in places if room.fits(person, stay)]
            if not candidates:
                result.unassigned[person.id] = Unassigned.NO_ROOM
                continue
            room = min(candidates, key=lambda r: _rank(r, person, stay, mode))
            room.add(person, stay)
            result.rooms[person.id] = room.spec.id
    return result


# ---------------------------------------------------------------- conflicts of the rooms as they are

class ConflictKind(StrEnum):
    OVER_CAPACITY = "over_capacity"
    MIXED_GENDER = "mixed_gender"
    OUTSIDE_STAY = "outside_stay"  # assigned nights differ from the person's stay now
    ROOM_UNAVAILABLE = "room_unavailable"  # the room is not open on an assigned night


@dataclass(frozen=True)
class Placement:
    person_id: int
    room_id: int
    first_night: date
    last_night: date


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    room_id: int
    person_ids: tuple[int, ...]
    night: date | None = None


def conflicts(rooms: list[RoomSpec], people: list[PersonSpec], placements: list[Placement]) -> list[Conflict]:
    """What is wrong with the rooms as assigned, in a stable order (room, night, kind)."""
    room_by_id = {room.id: room for room in rooms}
    person_by_id = {person.id: person for person in people}
    found: list[Conflict] = []
    per_night: dict[tuple[int, date], list[int]] = defaultdict(list)
    for placement in sorted(placements, key=lambda p: (p.room_id, p.person_id)):
        room = room_by_id.get(placement.room_id)
        person = person_by_id.get(placement.person_id)
        assigned = nights(placement.first_night, placement.last_night)
        if person is not None and (person.first_night, person.last_night) != (placement.first_night, placement.last_night):
            found.append(Conflict(ConflictKind.OUTSIDE_STAY, placement.room_id, (placement.person_id,)))
        if room is not None and any(n < room.first_night or n > room.last_night for n in assigned):
            found.append(Conflict(ConflictKind.ROOM_UNAVAILABLE, placement.room_id, (placement.person_id,)))
        for night in assigned:
            per_night[(placement.room_id, night)].append(placement.person_id)
    reported_mixed: set[tuple[int, tuple[int, ...]]] = set()
    for (room_id, night), ids in sorted(per_night.items()):
        room = room_by_id.get(room_id)
        if room is not None and len(ids) > room.capacity:
            found.append(Conflict(ConflictKind.OVER_CAPACITY, room_id, tuple(ids), night))
        genders = [person_by_id[i].gender if i in person_by_id else None for i in ids]
        if len(ids) > 1 and (None in genders or len(set(genders)) > 1):
            key = (room_id, tuple(ids))
            if key not in reported_mixed:  # once per room and group, not once per night
                reported_mixed.add(key)
                found.append(Conflict(ConflictKind.MIXED_GENDER, room_id, tuple(ids), night))
    return found
