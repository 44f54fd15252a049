"""The QR masks kept in the database (``QrMask``): a batch of badges or certificates hands the known ones to
:mod:`plm.qr` before it renders and keeps the ones it had to search for, so the next batch of the same tickets
encodes each code in one pass instead of eight (the search was a fifth of a badge batch's CPU)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plm import qr
from plm.models import QrMask

_BATCH = 500  # keys per IN (...) query
_POOL_FROM = 64  # searches worth forking for


def _mask_of(text: str) -> int | None:
    try:
        return qr.qr_symbol(text).mask
    except ValueError:  # too long for a QR: the renderer says so where it draws it
        return None


def _search(texts: list[str], processes: int) -> list[int | None]:
    """The masks of *texts*, searched here or, for many with *processes* > 1, in forked processes (only from a
    single-threaded process: the job child, the CLI)."""
    if processes > 1 and len(texts) >= _POOL_FROM:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            return pool.map(_mask_of, texts, chunksize=max(1, len(texts) // (4 * processes)))
    return [_mask_of(text) for text in texts]


def prepare(session: Session, texts: Iterable[str], *, processes: int = 1) -> dict[str, int]:
    """Before a batch renders *texts*' QR codes: hand plm.qr the masks known from the database and search the
    others (in *processes* forked processes when there are many). Returns the searched ones, for `keep` once the
    batch has rendered (not before: on SQLite the insert would hold the write lock, and the door would wait,
    for the whole render)."""
    keys = {qr.qr_text_key(text): text for text in dict.fromkeys(texts) if text}
    listed = list(keys)
    known: dict[str, int] = {}
    for start in range(0, len(listed), _BATCH):
        chunk = listed[start:start + _BATCH]
        known.update(session.execute(select(QrMask.text_hash, QrMask.mask).where(QrMask.text_hash.in_(chunk))).all())
    qr.remember_masks(known)
    unknown = [key for key in listed if key not in known]
    masks = _search([keys[key] for key in unknown], processes)
    searched = {key: mask for key, mask in zip(unknown, masks, strict=True) if mask is not None}
    qr.remember_masks(searched)
    return searched


def keep(session: Session, searched: dict[str, int]) -> None:
    """Add the masks a batch searched (from `prepare`) to the database for next time: a job or a CLI command, at
    its end, in the transaction it commits."""
    if not searched:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Another job may keep the same text at the same moment: the first row stands (the mask is the same).
    session.execute(dialect.insert(QrMask).on_conflict_do_nothing(),
                    [{"text_hash": key, "mask": mask} for key, mask in searched.items()])
