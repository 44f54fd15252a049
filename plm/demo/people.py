"""Deterministic demo registrants for the demo event, drawn from the tables in plm/demo/*.json.

Everything random goes through one `random.Random(seed)` and never iterates a set, so the same seed
always gives the same people, whatever PYTHONHASHSEED is. Contact details are made up so they cannot
reach anyone: every email domain ends in `.example` (reserved by RFC 2606); phone numbers are well
formed but invented.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from plm.demo.data import (
    INSTITUTIONS,
    NAMES,
    PEOPLE,
    PROVINCE_CULTURES,
    PROVINCE_WEIGHTS,
    REGENCIES,
    SEED_PROVINCES,
    VILLAGES,
)

PHONE_PREFIXES: list[str] = PEOPLE["phone_prefixes"]
_MUSLIM_CULTURES = frozenset(NAMES["muslim_cultures"])
_WEAK_FIRST = frozenset(NAMES["weak_first"])  # nobody is called by these
_EMAIL_SKIP = frozenset(NAMES["email_skip"])  # honorifics that make poor email address parts
_TITLES = NAMES["titles"]


@dataclass(frozen=True)
class _Special:
    full_name: str
    name_on_badge: str
    province: str
    culture: str


# Hand-written names that must be in every list: very long titled names to stress badges and
# certificates, one-word names, apostrophes, hyphens, one name shared by two people.
_SPECIAL_PEOPLE = tuple(_Special(**person) for person in PEOPLE["special_people"])


@dataclass(frozen=True)
class DemoPerson:
    """One registrant. province is one of SEED_PROVINCES; institution lies in that province."""

    full_name: str
    name_on_badge: str
    email: str
    phone: str
    institution: str
    institution_type: str
    province: str
    role: str
    diet: str
    access_needs: str
    gender: str = ""  # "female" / "male" as drawn with the name; "" for the hand-written special people


def _pick_weighted(rng: random.Random, pairs):
    items = [item for item, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(items, weights=weights)[0]


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _generic_call(core: str) -> str:
    """First and last given name, skipping a leading Muhammad/Moh. that nobody is called by."""
    words = core.split()
    if len(words) > 1 and words[0] in _WEAK_FIRST:
        words = words[1:]
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1]}"


def _prefixed_call(core: str, prefix: str) -> str:
    """Noble or descent prefix plus the first real given name: 'Andi Muhammad Arfah' -> 'Andi Arfah'."""
    words = [w for w in core[len(prefix):].split() if w not in _WEAK_FIRST] or core.split()[-1:]
    return f"{prefix} {words[0]}"


def _sexed(culture: str, kind: str, female: bool) -> list[str]:
    """A tradition's women's or men's pool: NAMES["javanese"]["first_female"], NAMES["bugis"]["male"]."""
    sex = "female" if female else "male"
    return NAMES[culture][f"{kind}_{sex}" if kind else sex]


def _islamic(rng: random.Random, female: bool) -> str:
    return rng.choice(_sexed("islamic", "", female))


def _name_javanese(rng, female):
    r = rng.random()
    if r < 0.22:
        core = rng.choice(_sexed("javanese", "mono", female))
    elif r < 0.34:
        core = _join(_islamic(rng, female),
                     rng.choice(_sexed("javanese", "last", female)) if rng.random() < 0.4 else "")
    else:
        middle = ""
        first = rng.choice(_sexed("javanese", "first", female))
        if rng.random() < 0.3:
            middle = rng.choice([m for m in (_sexed("javanese", "middle", female)) if m != first])
        core = _join(first, middle, rng.choice(_sexed("javanese", "last", female)))
    return core, _generic_call(core)


def _name_sundanese(rng, female):
    r = rng.random()
    if r < 0.08:
        core = rng.choice(NAMES["sundanese"]["mono"])
    elif r < 0.25:
        core = _join(_islamic(rng, female),
                     rng.choice(_sexed("sundanese", "last", female)) if rng.random() < 0.5 else "")
    else:
        core = _join(rng.choice(_sexed("sundanese", "first", female)),
                     rng.choice(_sexed("sundanese", "last", female)))
        if rng.random() < 0.15:
            core = _join(core, rng.choice(_sexed("sundanese", "last", female)))
    return core, _generic_call(core)


def _name_banten(rng, female):
    core, call = _name_sundanese(rng, female)
    if rng.random() < 0.25:  # Tubagus / Ratu: descendants of the Banten sultanate
        prefix = "Ratu" if female else "Tb."
        core = _join(prefix, core)
        call = _prefixed_call(core, prefix)
    return core, call


def _name_betawi(rng, female):
    first = rng.choice(_sexed("betawi", "", female))
    core = first if rng.random() < 0.35 else _join(first, rng.choice(NAMES["betawi"]["last"]))
    if rng.random() < 0.2:
        core = _islamic(rng, female)
    return core, _generic_call(core)


def _name_madurese(rng, female):
    core = rng.choice(_sexed("madurese", "", female))
    if rng.random() < 0.2:
        core = _islamic(rng, female)
    return core, _generic_call(core)


def _name_minang(rng, female):
    r = rng.random()
    if r < 0.3:
        core = rng.choice(_sexed("minang", "", female))
    elif r < 0.45:
        core = _islamic(rng, female)
    else:
        core = _join(rng.choice(_sexed("minang", "", female)),
                     rng.choice(_sexed("minang", "second", female)))
    call = _generic_call(core)
    if not female and rng.random() < 0.1:  # penghulu adat title after the name
        call = core
        core = _join(core, rng.choice(NAMES["minang"]["datuk"]))
    return core, call


def _malay(culture):
    def generate(rng, female):
        if rng.random() < 0.18:
            core = _islamic(rng, female)
        else:
            core = _join(rng.choice(_sexed("malay", "", female)),
                         rng.choice(_sexed("malay", "last", female)))
        prefixes = NAMES["malay"]["prefixes"][culture]["female" if female else "male"]
        if prefixes and rng.random() < 0.18:
            prefix = rng.choice(prefixes)
            core = _join(prefix, core)
            if prefix.startswith("Syarif") and rng.random() < 0.6:
                core = _join(core, rng.choice(NAMES["malay"]["arab_surnames"]))
            return core, _prefixed_call(core, prefix)
        return core, _generic_call(core)
    return generate


def _name_banjar(rng, female):
    if rng.random() < 0.15:
        core = _islamic(rng, female)
    else:
        core = _join(rng.choice(_sexed("banjar", "", female)), rng.choice(NAMES["banjar"]["last"]))
        if core in ("Muhammad", "Akhmad"):
            core = _join(core, rng.choice(("Rusdi", "Fahmi", "Arsyad", "Yamani", "Ilmi")))
    if rng.random() < 0.07:  # Gusti: Banjar nobility
        core = _join("Gusti", core)
        return core, _prefixed_call(core, "Gusti")
    return core, _generic_call(core)


def _name_kutai(rng, female):
    core = rng.choice(_sexed("kutai", "", female))
    if rng.random() < 0.4:
        prefix = rng.choice(("Aji", "Dayang") if female else ("Aji", "Awang"))
        core = _join(prefix, core)
        return core, _prefixed_call(core, prefix)
    return core, _generic_call(core)


def _name_dayak(rng, female):
    first = rng.choice(_sexed("dayak", "first", female))
    core = _join(first, rng.choice(NAMES["dayak"]["names"]))
    if rng.random() < 0.25:
        core = _join(core, rng.choice(NAMES["dayak"]["names"]))
    return core, _generic_call(core)


def _name_chinese(rng, female):
    core = _join(rng.choice(_sexed("chinese", "first", female)), rng.choice(NAMES["chinese"]["last"]))
    return core, core


def _name_sasak(rng, female):
    pool = _sexed("sasak", "", female)
    core = rng.choice(pool)
    if " " not in core and rng.random() < 0.6:
        core = _join(core, rng.choice([name for name in pool if name != core and " " not in name]))
    if core == "Muhammad":
        core = _join(core, rng.choice(("Saleh", "Zaini", "Ilham", "Sahril")))
    if rng.random() < 0.3:  # Lalu / Baiq: Sasak nobility
        prefix = "Baiq" if female else "Lalu"
        core = _join(prefix, core)
        return core, _prefixed_call(core, prefix)
    return core, _generic_call(core)


def _name_mbojo(rng, female):
    core = _join(rng.choice(_sexed("mbojo", "", female)), rng.choice(NAMES["mbojo"]["last"]))
    return core, _generic_call(core)


def _bugis(makassar):
    def generate(rng, female):
        if rng.random() < 0.15:
            core = _islamic(rng, female)
        else:
            core = _join(rng.choice(_sexed("bugis", "", female)), rng.choice(NAMES["bugis"]["last"]))
        if rng.random() < (0.15 if makassar else 0.28):  # Andi: Bugis-Makassar nobility
            core = _join("Andi", rng.choice(NAMES["bugis"]["andi_female"]) if female else core)
            return core, _prefixed_call(core, "Andi")
        if not female and rng.random() < (0.3 if makassar else 0.05):
            daeng = rng.choice(NAMES["bugis"]["daeng"])
            return _join(core, daeng), daeng  # addressed by the daeng name
        return core, _generic_call(core)
    return generate


def _name_buton(rng, female):
    core = rng.choice(_sexed("buton", "", female))
    r = rng.random()
    if r < 0.25:
        prefix = "Wa Ode" if female else "La Ode"
    elif r < 0.4:
        prefix = "Wa" if female else "La"
    else:
        return core, _generic_call(core)
    core = _join(prefix, core)
    return core, _prefixed_call(core, prefix)


def _name_toraja(rng, female):
    core = _join(rng.choice(_sexed("toraja", "first", female)), rng.choice(NAMES["toraja"]["last"]))
    if rng.random() < 0.2:
        core = _join(core, rng.choice(NAMES["toraja"]["last"]))
    return core, _generic_call(core)


def _batak(culture):
    def generate(rng, female):
        marga = rng.choice(NAMES["batak"]["marga"][culture])
        first = rng.choice(_sexed("batak", "first", female))
        if rng.random() < 0.3:
            first = _join(first, rng.choice(_sexed("batak", "first", female)))
        if female and rng.random() < 0.35:  # boru: "daughter of the clan"
            core = f"{first} br. {marga}"
        else:
            core = _join(first, marga)
        return core, _join(first.split()[0], marga)
    return generate


def _name_mandailing(rng, female):
    core = _join(rng.choice(_sexed("mandailing", "", female)), rng.choice(NAMES["mandailing"]["marga"]))
    return core, _generic_call(core)


def _name_nias(rng, female):
    core = _join(rng.choice(_sexed("nias", "first", female)), rng.choice(NAMES["nias"]["marga"]))
    return core, core


def _name_balinese(rng, female):
    heads = _sexed("balinese", "heads", female)
    # (full head, call-name head, takes a birth-order name?) by weight
    head, call_head, takes_order = _pick_weighted(
        rng, [((h["head"], h["call"], h["birth_order"]), h["weight"]) for h in heads])
    order = ""
    if takes_order or rng.random() < 0.3:
        order = rng.choice(_sexed("balinese", "order", female))
        if head == "Ni Luh" and order not in ("Putu", "Made", "Nyoman", "Ketut"):
            order = "Putu"
    count = _pick_weighted(rng, ((1, 30), (2, 42), (3, 20), (4, 8)))
    given = rng.sample(_sexed("balinese", "", female), count)
    core = _join(head, order, *given)
    call = _join(call_head or order, given[0]) if (call_head or order) else given[0]
    return core, call


_NAME_GENERATORS = {
    "javanese": _name_javanese, "sundanese": _name_sundanese, "banten": _name_banten, "betawi": _name_betawi,
    "madurese": _name_madurese, "minang": _name_minang, "malay_palembang": _malay("malay_palembang"),
    "malay_pontianak": _malay("malay_pontianak"), "malay_deli": _malay("malay_deli"),
    "malay_bengkulu": _malay("malay_bengkulu"), "banjar": _name_banjar, "kutai": _name_kutai,
    "dayak": _name_dayak, "chinese": _name_chinese, "sasak": _name_sasak, "mbojo": _name_mbojo,
    "bugis": _bugis(False), "makassar": _bugis(True), "buton": _name_buton, "toraja": _name_toraja,
    "batak_toba": _batak("batak_toba"), "batak_karo": _batak("batak_karo"),
    "batak_simalungun": _batak("batak_simalungun"), "mandailing": _name_mandailing, "nias": _name_nias,
    "balinese": _name_balinese,
}


def _with_titles(rng: random.Random, core: str, female: bool, muslim: bool, senior: bool = False) -> str:
    """Add academic (Drs./Dra./Ir./Dr., S.Sos., M.Si.) and, for Muslims, pilgrimage (H./Hj.) titles.

    Senior people (speakers) always get at least a master's degree.
    """
    prefixes, suffix = [], ""
    r = rng.random() * (0.55 if senior else 1.0)
    if r < 0.2:
        prefixes.append("Dra." if female else "Drs.")
        suffix = rng.choice(_TITLES["old_master"][3:] if senior else _TITLES["old_master"])
    elif r < 0.25:
        prefixes.append("Ir.")
        suffix = rng.choice(("M.T.", "M.P.", "M.Si.") if senior else ("", "M.T.", "M.P.", "M.Si."))
    elif r < 0.3:
        prefixes.append("Dr.")
        suffix = rng.choice(_TITLES["bachelor_master"])
    elif r < 0.55:
        suffix = rng.choice(_TITLES["bachelor_master"])
    elif r < 0.92:
        suffix = rng.choice(_TITLES["bachelor"])
    if muslim and rng.random() < 0.25:
        prefixes.append("Hj." if female else "H.")
    full = _join(*prefixes, core)
    return f"{full}, {suffix}" if suffix else full


def _badge(full_name: str, core: str, call: str) -> str:
    """The short name printed large on the badge: the whole name when it is short and untitled."""
    if full_name == core and (len(core.split()) <= 2 or len(core) <= 18):
        return core
    badge = call or core
    if len(badge) > 24:
        badge = " ".join(badge.split()[:2])
    return badge


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _email(rng: random.Random, core: str, taken: set[str]) -> str:
    """name-based, lowercase ASCII, unique address at an .example domain."""
    tokens = re.findall(r"[a-z]+", _ascii(core).lower().replace("'", "").replace("-", ""))
    useful = [t for t in tokens if t not in _EMAIL_SKIP and len(t) > 1] or tokens
    first, last = useful[0], useful[-1]
    pattern = rng.randrange(4)
    if len(useful) == 1 or pattern == 0:
        local = first
    elif pattern == 1:
        local = f"{first}.{last}"
    elif pattern == 2:
        local = f"{first}{last}"
    else:
        local = f"{first}_{last}"
    number = rng.randrange(60, 99) if rng.random() < 0.5 else rng.randrange(1, 1000)
    domain = _pick_weighted(rng, list(PEOPLE["email_domains"].items()))
    while True:
        email = f"{local}{number}@{domain}"
        if email not in taken:
            taken.add(email)
            return email
        number += 1


def _phone(rng: random.Random, taken: set[str]) -> str:
    """E.164 Indonesian mobile number: +62 8xx followed by eight digits."""
    while True:
        phone = "+62" + rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7, 10**8)}"
        if phone not in taken:
            taken.add(phone)
            return phone


def _province_quota(count: int) -> list[str]:
    """Delegation sizes by largest remainder; each province gets at least one person when count allows."""
    provinces = list(SEED_PROVINCES)
    if count < len(provinces):
        ranked = sorted(provinces, key=lambda p: (-PROVINCE_WEIGHTS[p], provinces.index(p)))
        return ranked[:count]
    rest = count - len(provinces)
    total = sum(PROVINCE_WEIGHTS.values())
    exact = {p: rest * PROVINCE_WEIGHTS[p] / total for p in provinces}
    quota = {p: 1 + int(exact[p]) for p in provinces}
    leftover = count - sum(quota.values())
    for p in sorted(provinces, key=lambda p: (-(exact[p] - int(exact[p])), provinces.index(p)))[:leftover]:
        quota[p] += 1
    return [p for p in provinces for _ in range(quota[p])]


def _role_list(count: int) -> list[str]:
    roles = []
    for role, share in PEOPLE["roles_per_350"].items():
        n = round(count * share / 350)
        if count >= 40:
            n = max(1, n)
        roles += [role] * n
    roles = roles[:count]
    return roles + ["participant"] * (count - len(roles))


class _Institutions:
    """Picks institutions, keeping one name form per library within one generated list."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.forms: dict[str, str] = {}

    def _library(self, key: str, forms: list[str], **fields: str) -> str:
        if key not in self.forms:
            self.forms[key] = self.rng.choice(forms)
        return self.forms[key].format(**fields)

    def provincial(self, province: str) -> str:
        return self._library(province, INSTITUTIONS["provincial_forms"], p=province)

    def regency(self, regency: str) -> str:
        return self._library(regency, INSTITUTIONS["regency_forms"], r=regency)

    def pick(self, kind: str, province: str, regency: str) -> str:
        short = regency.replace("Kabupaten ", "Kab. ")
        if kind == "provincial":
            return self.provincial(province)
        if kind == "regency_city":
            return self.regency(regency)
        if kind == "village":
            village = self.rng.choice(VILLAGES[province])  # kelurahan only where no kabupaten is at hand
            if regency.startswith("Kota "):
                return f"Perpustakaan Kelurahan {village}, {short}"
            unit = "Nagari" if province == "Sumatera Barat" else "Desa"
            return f"Perpustakaan {unit} {village}, {short}"
        if kind == "tbm":
            name = self.rng.choice(INSTITUTIONS["tbm_forms"]).format(n=self.rng.choice(INSTITUTIONS["tbm_names"]))
            return f"{name}, {short}"
        return self.rng.choice(INSTITUTIONS["other_forms"]).format(r=regency)


_TITLE_RE = re.compile(r"^(?:(?:Dra?s?|Dr|Ir|Hj?)\.\s+)+|,.*$")


def _strip_titles(full_name: str) -> str:
    """'Dr. Hj. Andi Besse, S.Sos., M.Si.' -> 'Andi Besse'."""
    return _TITLE_RE.sub("", full_name).strip()


def generate_participants(count: int = 350, seed: int = 2015) -> list[DemoPerson]:
    """`count` realistic registrants from the 16 seed provinces; the same seed gives the same list."""
    rng = random.Random(seed)
    provinces = _province_quota(count)
    rng.shuffle(provinces)
    roles = _role_list(count)
    rng.shuffle(roles)

    # Place the hand-written names on people from their province, at seeded positions.
    specials: dict[int, _Special] = {}
    order = list(range(count))
    rng.shuffle(order)
    for special in _SPECIAL_PEOPLE:
        for index in order:
            if index not in specials and provinces[index] == special.province:
                specials[index] = special
                break

    needs = PEOPLE["access_needs"]
    access = dict(zip(rng.sample(range(count), min(count, len(needs))), needs, strict=False))

    institutions = _Institutions(rng)
    emails: set[str] = set()
    phones: set[str] = set()
    speakers_seen = 0
    used_names = {_strip_titles(s.full_name) for s in specials.values()}
    people = []
    for index in range(count):
        province, role = provinces[index], roles[index]
        special = specials.get(index)
        cultures = PROVINCE_CULTURES[province]
        if special:
            culture = special.culture
            regencies = next((r for c, _, r in cultures if c == culture), None) or REGENCIES[province]
        else:
            culture, regencies = _pick_weighted(rng, [((c, r), w) for c, w, r in cultures])
            regencies = regencies or REGENCIES[province]
        regency = rng.choice(regencies)
        # Village libraries are in kabupaten; re-pick from the same area when a kota came up.
        rural = [r for r in regencies if r.startswith("Kabupaten ")]

        if role == "speaker":
            speaker = INSTITUTIONS["speakers"][speakers_seen % len(INSTITUTIONS["speakers"])]
            name, kind = speaker["name"], speaker["type"]
            speakers_seen += 1
            institution = name or institutions.pick(kind, province, regency)
            title_chance = 1.0
        elif role == "committee":
            kind, institution, title_chance = "other", rng.choice(INSTITUTIONS["committee"]), 0.35
        elif role == "facilitator" and rng.random() < 0.6:
            kind, institution, title_chance = "other", INSTITUTIONS["foundation"], 0.35
        else:
            kind = _pick_weighted(rng, list(INSTITUTIONS["participant_weights"].items()))
            if role == "facilitator" and kind in ("village", "tbm"):
                kind = "regency_city"  # library-based facilitators work for the regency library
            if kind == "village" and regency.startswith("Kota ") and rural:
                regency = rng.choice(rural)
            institution = institutions.pick(kind, province, regency)
            title_chance = {"provincial": 0.6, "regency_city": 0.45, "other": 0.5}.get(kind, 0.1)

        female = rng.random() < 0.55
        if special:
            full_name, badge = special.full_name, special.name_on_badge
            core = full_name
        else:
            for attempt in range(6):  # a repeated name is fine now and then, as at a real event
                core, call = _NAME_GENERATORS[culture](rng, female)
                if any(bad in core.lower() for bad in NAMES["denylist"]):  # real public figures
                    continue
                if core not in used_names or attempt >= 3:
                    break
            used_names.add(core)
            full_name = core
            if rng.random() < title_chance:
                full_name = _with_titles(rng, core, female, culture in _MUSLIM_CULTURES, senior=role == "speaker")
            if len(full_name) > 120:
                full_name = core
            badge = _badge(full_name, core, call)

        people.append(DemoPerson(
            full_name=full_name,
            name_on_badge=badge,
            email=_email(rng, core if not special else _strip_titles(full_name), emails),
            phone=_phone(rng, phones),
            institution=institution,
            institution_type=kind,
            province=province,
            role=role,
            diet=_pick_weighted(rng, PEOPLE["diets"]),
            access_needs=access.get(index, ""),
            gender="" if special else ("female" if female else "male"),
        ))
    return people
