"""QR masks kept in the database (plm/qr_masks.py): a batch searches each text's mask once, keeps it, and the next
batch encodes the same texts in one pass, to the same symbol."""

from __future__ import annotations

import pytest
import qrcode
from sqlalchemy import func, select

from plm import qr, qr_masks
from plm.extensions import db
from plm.models import QrMask

TEXTS = [f"PLM1:PLM-TEST:{i:010d}:ABCDEFGHIJKLM" for i in range(70)] + ["https://plm.example/v/PLM15-000042"]


@pytest.fixture(autouse=True)
def fresh_qr_caches():
    def clear():
        qr.qr_symbol.cache_clear()
        qr._KNOWN_MASKS.clear()

    clear()
    yield
    clear()


def _searched_symbols(texts):
    symbols = {text: qr.qr_symbol(text) for text in texts}
    qr.qr_symbol.cache_clear()
    return symbols


def test_a_remembered_mask_gives_the_same_symbol_without_the_search(monkeypatch):
    expected = _searched_symbols(TEXTS[:3])
    qr.remember_masks({qr.qr_text_key(t): s.mask for t, s in expected.items()})

    def no_search(self):
        raise AssertionError("the mask was known: no search")

    monkeypatch.setattr(qrcode.QRCode, "best_mask_pattern", no_search)
    assert {t: qr.qr_symbol(t) for t in TEXTS[:3]} == expected


def test_remember_masks_ignores_what_is_not_a_mask():
    qr.remember_masks({"a" * 32: 8, "b" * 32: -1, "c" * 32: "3", "d" * 32: 5})
    assert qr._KNOWN_MASKS == {"d" * 32: 5}


@pytest.mark.parametrize("processes", [1, 2], ids=["here", "forked-pool"])
def test_a_batch_keeps_the_masks_it_searched_and_the_next_one_searches_none(app, processes):
    expected = _searched_symbols(TEXTS)
    searched = qr_masks.prepare(db.session, TEXTS + TEXTS[:5], processes=processes)
    assert len(searched) == len(TEXTS)
    assert db.session.scalar(select(func.count()).select_from(QrMask)) == 0  # kept after the render, not before
    qr_masks.keep(db.session, searched)
    db.session.commit()
    stored = dict(db.session.execute(select(QrMask.text_hash, QrMask.mask)).all())
    assert stored == {qr.qr_text_key(t): s.mask for t, s in expected.items()}  # no text in the row: its hash

    qr.qr_symbol.cache_clear()
    qr._KNOWN_MASKS.clear()
    assert qr_masks.prepare(db.session, TEXTS, processes=processes) == {}
    assert {t: qr.qr_symbol(t) for t in TEXTS} == expected


def test_prepare_writes_nothing(app):
    """On SQLite an insert before the render would hold the write lock, and the door wait, for the whole render."""
    assert len(qr_masks.prepare(db.session, TEXTS[:4])) == 4
    assert not db.session.new and not db.session.dirty
    assert db.session.scalar(select(func.count()).select_from(QrMask)) == 0


def test_rows_another_batch_kept_meanwhile_are_no_error(app):
    """Two jobs printing the same tickets at once: both search, both keep; the first row stands."""
    searched = qr_masks.prepare(db.session, TEXTS[:4])
    # Meanwhile another job printing two of the same tickets kept their masks.
    db.session.add_all(QrMask(text_hash=qr.qr_text_key(t), mask=qr.qr_symbol(t).mask) for t in TEXTS[:2])
    db.session.flush()
    qr_masks.keep(db.session, searched)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(QrMask)) == 4


def test_a_text_too_long_for_a_qr_code_is_left_to_the_renderer(app):
    assert list(qr_masks.prepare(db.session, ["x" * 5000, TEXTS[0]])) == [qr.qr_text_key(TEXTS[0])]
