"""Amounts in Indonesian words for receipts (terbilang), on top of num2words' Indonesian.

num2words writes a lone thousand inside a larger number as "satu ribu" (1.001.000 -> "satu juta satu
ribu"); Indonesian says "seribu" there as it does on its own ("satu juta seribu"). "satu juta", "satu
miliar" and "dua ratus satu ribu" are right as they are. tests/test_allowances_terbilang.py holds the cases."""

from __future__ import annotations

import re

from num2words import num2words

# "satu ribu" right after a larger unit (or at the start) is one whole thousand group: "seribu".
_LONE_THOUSAND = re.compile(r"(^|\b(?:juta|miliar|triliun|kuadriliun) )satu ribu\b")
MAX_AMOUNT = 10**15 - 1


def terbilang(amount: int) -> str:
    """A whole number in Indonesian words, lower case: 1500000 -> "satu juta lima ratus ribu"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("terbilang takes a whole number")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError("amount too large")
    if amount < 0:
        return "minus " + terbilang(-amount)
    words = " ".join(num2words(amount, lang="id").split())
    return _LONE_THOUSAND.sub(lambda m: m.group(1) + "seribu", words)


def terbilang_rupiah(amount: int) -> str:
    """The receipt's line: "satu juta lima ratus ribu rupiah"."""
    return f"{terbilang(amount)} rupiah"
