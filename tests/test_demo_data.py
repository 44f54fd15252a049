"""The demo data is realistic, complete and deterministic (plm/demo_data.py, plm/data/provinces.json)."""

import collections
import dataclasses
import datetime
import json
import pathlib
import re
import sys

import pytest

pytestmark = pytest.mark.nodb

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from plm import demo_data  # noqa: E402

PROVINCES_JSON = pathlib.Path(demo_data.__file__).resolve().parent / "data" / "provinces.json"
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@pytest.fixture(scope="module")
def people():
    return demo_data.generate_participants()


@pytest.fixture(scope="module")
def schedule():
    return demo_data.demo_schedule(datetime.date(2015, 5, 18))


# --- provinces.json ---------------------------------------------------------------------------

def test_provinces_json_has_the_38_current_provinces_in_code_order():
    provinces = json.loads(PROVINCES_JSON.read_text(encoding="utf-8"))
    assert len(provinces) == 38
    codes = [p["code"] for p in provinces]
    assert all(re.fullmatch(r"\d\d", code) for code in codes)
    assert codes == sorted(codes) and len(set(codes)) == 38
    by_name = {p["name"]: p["code"] for p in provinces}
    assert len(by_name) == 38
    assert by_name["Aceh"] == "11"
    assert by_name["DKI Jakarta"] == "31"
    assert by_name["Papua Selatan"] == "93"
    assert by_name["Papua Tengah"] == "94"
    assert by_name["Papua Pegunungan"] == "95"
    assert by_name["Papua Barat Daya"] == "96"
    assert demo_data.load_provinces() == provinces


def test_seed_provinces_are_names_from_provinces_json(people):
    names = {p["name"] for p in demo_data.load_provinces()}
    assert len(demo_data.SEED_PROVINCES) == 16
    assert set(demo_data.SEED_PROVINCES) <= names
    assert {person.province for person in people} <= names


# --- participants -----------------------------------------------------------------------------

def test_350_people_from_all_16_provinces(people):
    assert len(people) == 350
    assert all(isinstance(p, demo_data.DemoPerson) for p in people)
    by_province = collections.Counter(p.province for p in people)
    assert set(by_province) == set(demo_data.SEED_PROVINCES)
    java = sum(by_province[p] for p in ("Jawa Timur", "Jawa Tengah", "Jawa Barat"))
    assert java > 350 / 4, "Java delegations should be the biggest"
    assert min(by_province.values()) >= 5


def test_people_are_frozen(people):
    with pytest.raises(dataclasses.FrozenInstanceError):
        people[0].full_name = "x"


def test_same_seed_same_people_other_seed_other_people(people):
    assert demo_data.generate_participants() == people
    assert demo_data.generate_participants(count=350, seed=2015) == people
    assert demo_data.generate_participants(seed=7) != people


def test_smaller_lists_still_cover_every_province():
    small = demo_data.generate_participants(count=40)
    assert len(small) == 40
    assert {p.province for p in small} == set(demo_data.SEED_PROVINCES)
    assert len({p.email for p in small}) == 40


def test_role_counts(people):
    roles = collections.Counter(p.role for p in people)
    assert roles == {"participant": 310, "facilitator": 24, "speaker": 6, "committee": 10}


def test_emails_unique_lowercase_ascii_at_example_domains(people):
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    for email in emails:
        assert re.fullmatch(r"[a-z][a-z0-9._]*[0-9]+@[a-z]+\.example", email), email


def test_phones_are_unique_indonesian_mobile_numbers(people):
    phones = [p.phone for p in people]
    assert len(set(phones)) == len(phones)
    prefixes = "|".join(demo_data.PHONE_PREFIXES)
    for phone in phones:
        assert re.fullmatch(rf"\+62({prefixes})\d{{8}}", phone), phone


def test_phones_pass_libphonenumber(people):
    phonenumbers = pytest.importorskip("phonenumbers")
    for person in people[:50]:
        number = phonenumbers.parse(person.phone)
        assert phonenumbers.is_valid_number(number), person.phone
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def test_long_names_for_badges_and_certificates(people):
    lengths = [len(p.full_name) for p in people]
    assert sum(n >= 60 for n in lengths) >= 3
    assert max(lengths) >= 100
    assert max(lengths) <= 120


def test_one_word_apostrophe_and_hyphen_names(people):
    names = [p.full_name for p in people]
    assert sum(" " not in n for n in names) >= 3
    assert sum("'" in n for n in names) >= 3
    assert sum("-" in n for n in names) >= 1


def test_regional_naming_traditions_are_present(people):
    names = " ".join(p.full_name for p in people)
    for marker in ("Ni Luh", "I Gusti", "Lalu ", "Baiq ", "Andi ", " br. ", "La Ode", "Tb. "):
        assert marker in names, marker
    assert any(p.full_name.startswith(("Drs. ", "Dra. ")) for p in people)
    assert any(", S.Sos." in p.full_name or ", S.IP." in p.full_name for p in people)


def test_badge_names_are_short_call_names(people):
    for person in people:
        assert person.name_on_badge and len(person.name_on_badge) <= 24, person
        assert "," not in person.name_on_badge and not person.name_on_badge.startswith(("Dr", "Ir.", "H."))
    balinese = next(p for p in people if p.full_name.startswith("Dra. Ni Luh Putu Ayu Sekarini"))
    assert balinese.name_on_badge == "Putu Ayu"
    assert all(p.name_on_badge == p.full_name for p in people if p.full_name in ("Sukarmi", "Suparno", "Mulyono"))
    assert sum(p.name_on_badge != p.full_name for p in people) >= 50


def test_institutions_match_type_and_province(people):
    types = collections.Counter(p.institution_type for p in people)
    assert set(types) <= set(demo_data.INSTITUTION_TYPES)
    assert types.most_common(1)[0][0] == "village"
    assert all(types[t] for t in demo_data.INSTITUTION_TYPES)
    for person in people:
        if person.institution_type == "provincial":
            assert person.institution.endswith("Provinsi " + person.province), person
        elif person.institution_type in ("village", "tbm", "regency_city"):
            regencies = demo_data.REGENCIES[person.province]
            short = [r.replace("Kabupaten ", "Kab. ") for r in regencies]
            assert any(person.institution.endswith(r) for r in (*regencies, *short)), person
    assert any(p.institution.startswith("Perpustakaan Desa ") for p in people)
    assert any(p.institution.startswith(("TBM ", "Taman Bacaan Masyarakat ")) for p in people)


def test_diet_and_access_needs_are_mostly_empty(people):
    diets = collections.Counter(p.diet for p in people)
    assert diets[""] > 0.7 * len(people)
    assert diets["vegetarian"] > 0
    needs = [p.access_needs for p in people if p.access_needs]
    assert 2 <= len(needs) <= 10
    assert sum("kursi roda" in n for n in needs) >= 2


# --- event, staff, rooms, tracks ---------------------------------------------------------------

def test_event_and_staff():
    event = demo_data.DEMO_EVENT
    assert event["slug"] == "plm-2015" and event["name"] == "PLM Demo (meniru PLM 2015, Bali)"
    assert event["timezone"] == "Asia/Makassar" and event["capacity"] == 400 and event["days"] == 4
    assert event["original_start"] == datetime.date(2015, 5, 18)
    assert event["contact_email"].endswith(".example")
    staff = {s["role"]: s for s in demo_data.DEMO_STAFF}
    assert set(staff) == {"admin", "organizer", "facilitator"}
    assert staff["organizer"]["email"] == "pintu@plm.example"
    assert all(s["email"].endswith("@plm.example") and "password" not in s for s in demo_data.DEMO_STAFF)


def test_rooms_and_tracks():
    names = [name for name, _, _ in demo_data.DEMO_ROOMS]
    assert len(set(names)) == len(names) and "Ballroom Ungasan" in names
    assert all(capacity > 0 for _, capacity, _ in demo_data.DEMO_ROOMS)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) for _, colour in demo_data.DEMO_TRACKS)


# --- schedule ---------------------------------------------------------------------------------

def test_sessions_are_well_formed(schedule):
    rooms = {name: capacity for name, capacity, _ in demo_data.DEMO_ROOMS}
    tracks = {name for name, _ in demo_data.DEMO_TRACKS}
    for s in schedule:
        assert s.day_index in (0, 1, 2, 3), s
        assert TIME_RE.match(s.start) and TIME_RE.match(s.end), s
        assert s.end > s.start, s
        assert s.room in rooms, s
        assert s.kind in ("plenary", "sharing", "workshop", "registration", "break"), s
        assert s.track is None or s.track in tracks, s
        assert s.date == datetime.date(2015, 5, 18) + datetime.timedelta(days=s.day_index)
        if s.kind == "workshop":
            assert s.signup_required and 25 <= s.capacity <= 30 and s.capacity <= rooms[s.room], s
        if s.kind in ("break", "registration"):
            assert s.facilitator_count == 0 and s.track is None
        else:
            assert s.facilitator_count >= 1
    assert len({(s.day_index, s.title) for s in schedule}) == len(schedule)
    assert {s.day_index for s in schedule} == {0, 1, 2, 3}


def test_schedule_follows_the_start_date():
    first = datetime.date(2030, 1, 7)
    assert {s.date for s in demo_data.demo_schedule(first)} == {first + datetime.timedelta(days=i) for i in range(4)}


def test_days_two_and_three_run_at_least_four_rooms_in_parallel(schedule):
    for day in (1, 2):
        slots = collections.defaultdict(set)
        for s in schedule:
            if s.day_index == day and s.kind in ("sharing", "workshop") and s.title not in demo_data.DEMO_CONFLICT_TITLES:
                slots[s.start].add(s.room)
        assert len(slots) >= 2
        assert all(len(rooms) >= 4 for rooms in slots.values()), (day, slots)


def test_exactly_one_room_conflict(schedule):
    conflicts = [
        (a, b)
        for i, a in enumerate(schedule)
        for b in schedule[i + 1:]
        if a.day_index == b.day_index and a.room == b.room and a.start < b.end and b.start < a.end
    ]
    assert len(conflicts) == 1
    a, b = conflicts[0]
    assert a.day_index == 1
    assert {a.title, b.title} == set(demo_data.DEMO_CONFLICT_TITLES)


def test_first_and_last_day_shape(schedule):
    day1 = [s for s in schedule if s.day_index == 0]
    assert any("Registrasi" in s.title for s in day1)
    assert any(s.kind == "plenary" and "Pembukaan" in s.title for s in day1)
    day4 = [s for s in schedule if s.day_index == 3]
    closing = [s for s in day4 if s.kind == "plenary"][-1]
    assert "Penutupan" in closing.title and closing.end == "12:00"


def test_registration_desk_is_its_own_kind_not_a_break():
    """Issue 14, item 13: "Registrasi Peserta" is the registration desk, not typed as a break; like a
    break it is not programme (no checkpoint, no certificate hours)."""
    from plm.demo_data import demo_schedule
    from plm.models import NON_PROGRAMME_KINDS

    desk = [s for s in demo_schedule() if s.title.startswith("Registrasi Peserta")]
    assert desk and all(s.kind == "registration" for s in desk)
    assert "registration" in NON_PROGRAMME_KINDS
