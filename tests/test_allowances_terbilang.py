"""Terbilang: rupiah amounts in Indonesian words for receipts, written out by hand here, not derived from
num2words (whose lone "satu ribu" inside millions is corrected to "seribu")."""

from __future__ import annotations

import pytest

from plm.allowances.terbilang import terbilang, terbilang_rupiah

CASES = [
    (0, "nol"),
    (1, "satu"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (111, "seratus sebelas"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"),
    (1001, "seribu satu"),
    (1100, "seribu seratus"),
    (1500, "seribu lima ratus"),
    (11_000, "sebelas ribu"),
    (100_000, "seratus ribu"),
    (101_000, "seratus satu ribu"),
    (111_111, "seratus sebelas ribu seratus sebelas"),
    (201_000, "dua ratus satu ribu"),
    (250_000, "dua ratus lima puluh ribu"),
    (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"),
    (1_500_000, "satu juta lima ratus ribu"),
    (2_001_000, "dua juta seribu"),
    (2_750_000, "dua juta tujuh ratus lima puluh ribu"),
    (3_400_000, "tiga juta empat ratus ribu"),
    (10_000_000, "sepuluh juta"),
    (11_111_000, "sebelas juta seratus sebelas ribu"),
    (21_500_000, "dua puluh satu juta lima ratus ribu"),
    (1_000_000_000, "satu miliar"),
    (1_000_001_000, "satu miliar seribu"),
    (1_001_000_000, "satu miliar satu juta"),
    (123_456_789, "seratus dua puluh tiga juta empat ratus lima puluh enam ribu tujuh ratus delapan puluh sembilan"),
]


@pytest.mark.nodb
@pytest.mark.parametrize("amount, words", CASES)
def test_terbilang(amount, words):
    assert terbilang(amount) == words


@pytest.mark.nodb
def test_rupiah_line_and_bad_input():
    assert len(CASES) >= 20
    assert terbilang_rupiah(1_500_000) == "satu juta lima ratus ribu rupiah"
    assert terbilang(-1000) == "minus seribu"
    with pytest.raises(TypeError):
        terbilang(1.5)
    with pytest.raises(TypeError):
        terbilang(True)
    with pytest.raises(ValueError):
        terbilang(10**16)
