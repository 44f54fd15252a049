"""Pure helpers: phone normalisation, provinces, Excel dates, formula neutralising."""

import pytest

from plm.participants.importexport import neutralize, parse_date
from plm.registration.service import find_province, normalize_phone, provinces

pytestmark = pytest.mark.nodb


def test_38_provinces_from_the_data_file():
    names = [p["name"] for p in provinces()]
    assert len(names) == 38 == len(set(names))
    assert "Papua Pegunungan" in names and "Bali" in names


@pytest.mark.parametrize("typed, expected", [
    ("bali", "Bali"), ("  BALI ", "Bali"), ("51", "Bali"), ("NTT", "Nusa Tenggara Timur"),
    ("Daerah Istimewa Yogyakarta", "DI Yogyakarta"), ("Atlantis", None), ("", None),
])
def test_find_province(typed, expected):
    assert find_province(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("0812-3456-7890", "+6281234567890"), ("+62 812 3456 7890", "+6281234567890"), ("6281234567890", "+6281234567890"),
    ("0062 812 3456 7890", "+6281234567890"), ("(021) 555 1234", "+62215551234"), ("", ""),
    ("0812", None), ("hello", None), ("+62 812 3456 7890 1234 5678", None), ("08123456789\x00", None),
])
def test_normalize_phone(typed, expected):
    assert normalize_phone(typed) == expected


def test_excel_dates():
    assert parse_date(42114, "Asia/Makassar").isoformat() == "2015-04-19T16:00:00+00:00"
    assert parse_date("2015-04-20", "UTC").isoformat() == "2015-04-20T00:00:00+00:00"
    with pytest.raises(ValueError):
        parse_date("tomorrow", "UTC")
    with pytest.raises(ValueError):
        parse_date(-5, "UTC")


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-2", "@SUM(A1)", "\t=x"])
def test_neutralize(value):
    assert neutralize(value) == "'" + value
    assert neutralize("Made") == "Made" and neutralize(5) == 5
