"""The demo data is realistic, complete and deterministic (plm/demo/*.json, *.csv; plm/data/provinces.json)."""

import collections
import dataclasses
import datetime
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.nodb

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from plm.demo import data as demo_data  # noqa: E402
from plm.demo import people as people_module  # noqa: E402
from plm.registration.service import PROVINCES_FILE as PROVINCES_JSON  # noqa: E402
from plm.registration.service import provinces as registration_provinces  # noqa: E402

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@pytest.fixture(scope="module")
def people():
    return people_module.generate_participants()


@pytest.fixture(scope="module")
def schedule():
    return demo_data.demo_schedule(datetime.date(2015, 5, 18))


def _digest(rows) -> str:
    # DemoPerson.gender (added for the registration questions) is left out: the pinned people are unchanged.
    data = json.dumps([tuple(getattr(row, f.name) for f in dataclasses.fields(row) if f.name != "gender")
                       for row in rows], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --- the data files (plm/demo/*.json, *.csv) ----------------------------------------------------

def test_same_people_and_schedule_as_when_the_tables_were_python_code(people, schedule):
    """Digests taken from plm/demo_data.py before its tables moved to data files: moving or
    reformatting a file must not change whom the demo creates, nor when and where."""
    assert _digest(people) == "002e907005e32079da68dc51d895802974eeab47926861e609ca7561d04ac67d"
    assert _digest(people_module.generate_participants(count=40)) == (
        "c7ef814c2a533274b3a7ed2d6c47b0c08403db2399e8dd9feabeda6f1e6870b9")
    assert _digest(schedule) == "a4878b7c34e9658e6d38e7430635cc4d6147d9495700f9207329eac52b6e5cf8"
    assert people[0] == people_module.DemoPerson(
        full_name="Wan Nurul Wati", name_on_badge="Wan Nurul Wati", email="nurulwati516@mail.example",
        phone="+6285321533909", institution="Dinas Perpustakaan dan Kearsipan Kabupaten Ogan Komering Ilir",
        institution_type="regency_city", province="Sumatera Selatan", role="participant", diet="", access_needs="",
        gender="female")
    andi = people[216]
    assert andi.full_name.startswith("Dr. Hj. Andi Besse Tenri Ajeng") and andi.name_on_badge == "Andi Besse"
    assert (andi.email, andi.institution) == (
        "bessetasabbi71@mail.example", "Perpustakaan Desa Kanreapi, Kab. Sidenreng Rappang")
    assert [(p.email, p.province) for p in people if p.full_name == "Sri Wahyuni"] == [
        ("sri.wahyuni82@mail.example", "Jawa Tengah"), ("sri_wahyuni875@mail.example", "Nusa Tenggara Barat")]


def test_data_files_agree_with_each_other():
    """A typo in one file (a province, culture, regency, room or track name) fails here, not mid-demo."""
    seeds = demo_data.SEED_PROVINCES
    assert list(demo_data.PROVINCE_WEIGHTS) == list(demo_data.REGENCIES) == list(demo_data.VILLAGES) == list(seeds)
    assert all(weight > 0 for weight in demo_data.PROVINCE_WEIGHTS.values())
    generators = people_module._NAME_GENERATORS
    for province, cultures in demo_data.PROVINCE_CULTURES.items():
        assert demo_data.VILLAGES[province], province
        for culture, weight, regencies in cultures:
            assert culture in generators and weight > 0, (province, culture)
            assert regencies is None or set(regencies) <= set(demo_data.REGENCIES[province]), (province, culture)
    for special in people_module._SPECIAL_PEOPLE:
        assert special.culture in [c for c, _, _ in demo_data.PROVINCE_CULTURES[special.province]], special
    assert set(demo_data.NAMES["muslim_cultures"]) <= set(generators)
    assert set(demo_data.NAMES["batak"]["marga"]) | set(demo_data.NAMES["malay"]["prefixes"]) <= set(generators)
    institutions = demo_data.INSTITUTIONS
    assert set(institutions["participant_weights"]) == set(demo_data.INSTITUTION_TYPES)
    assert {s["type"] for s in institutions["speakers"]} <= set(demo_data.INSTITUTION_TYPES)
    titles = {s.title for s in demo_data.demo_schedule()}
    assert set(demo_data.DEMO_CONFLICT_TITLES) <= titles
    assert "room_conflict" not in demo_data.DEMO_EVENT


def test_data_files_are_read_next_to_the_module_from_any_directory(tmp_path):
    """They are package data (importlib.resources), not paths relative to the working directory."""
    root = pathlib.Path(__file__).resolve().parents[1]
    script = "from plm.demo.people import generate_participants as g; print(len(g(count=20)))"
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "20"


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
    assert registration_provinces() == provinces


def test_seed_provinces_are_names_from_provinces_json(people):
    names = {p["name"] for p in registration_provinces()}
    assert len(demo_data.SEED_PROVINCES) == 16
    assert set(demo_data.SEED_PROVINCES) <= names
    assert {person.province for person in people} <= names


# --- participants -----------------------------------------------------------------------------

def test_350_people_from_all_16_provinces(people):
    assert len(people) == 350
    assert all(isinstance(p, people_module.DemoPerson) for p in people)
    by_province = collections.Counter(p.province for p in people)
    assert set(by_province) == set(demo_data.SEED_PROVINCES)
    java = sum(by_province[p] for p in ("Jawa Timur", "Jawa Tengah", "Jawa Barat"))
    assert java > 350 / 4, "Java delegations should be the biggest"
    assert min(by_province.values()) >= 5


def test_people_are_frozen(people):
    with pytest.raises(dataclasses.FrozenInstanceError):
        people[0].full_name = "x"


def test_same_seed_same_people_other_seed_other_people(people):
    assert people_module.generate_participants() == people
    assert people_module.generate_participants(count=350, seed=2015) == people
    assert people_module.generate_participants(seed=7) != people


def test_smaller_lists_still_cover_every_province():
    small = people_module.generate_participants(count=40)
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
    prefixes = "|".join(people_module.PHONE_PREFIXES)
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
    assert set(staff) == {"admin", "organizer", "facilitator", "finance"}
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
    from plm.demo.data import demo_schedule
    from plm.vocabulary import NON_PROGRAMME_KINDS

    desk = [s for s in demo_schedule() if s.title.startswith("Registrasi Peserta")]
    assert desk and all(s.kind == "registration" for s in desk)
    assert "registration" in NON_PROGRAMME_KINDS
