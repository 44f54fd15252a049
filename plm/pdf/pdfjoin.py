"""Concatenate chunk PDFs into one, writing as they arrive.

A batch renders in chunks (one WeasyPrint document each).  Joining them with
``pypdf.PdfWriter`` keeps every object of every chunk, and the readers they came
from, in memory until the end: for 3,500 certificates that was 80 MB more at the
peak than rendering itself needed.  Here each chunk is read with pypdf, its
objects are renumbered and written straight to a temporary file, and the chunk
is dropped; what stays in memory is one file offset per object and one number
per page, so memory no longer grows with the count.

The inputs are WeasyPrint's PDFs: pages with their resources, no outline, no
forms, no structure tree.  What a page refers to is copied (fonts, images,
patterns, annotations); the catalogue and page tree are written anew, with the
first chunk's document information (title, language, producer).
"""

from __future__ import annotations

import io
import tempfile

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

__all__ = ["PdfConcatenator"]

_CATALOG, _PAGES, _INFO = 1, 2, 3


class PdfConcatenator:
    """``add(pdf_bytes)`` for each part, in order, then ``result()`` for the whole PDF."""

    def __init__(self):
        self._out = tempfile.TemporaryFile()
        self._out.write(b"%PDF-1.7\n%\xb5\xed\xae\xfb\n")
        self._offsets: list[int] = [0, 0, 0, 0]  # by object number; 1-3 are written at the end
        self._pages: list[int] = []
        self._lang = None
        self._info: DictionaryObject | None = None

    def _new_number(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _write(self, number: int, obj: PdfObject) -> None:
        out = self._out
        self._offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")

    def add(self, pdf: bytes) -> None:
        reader = PdfReader(io.BytesIO(pdf))
        root = reader.trailer["/Root"]
        if self._info is None:
            self._lang = root.get("/Lang")
            info = reader.trailer.get("/Info")
            self._info = DictionaryObject(
                {NameObject(k): v for k, v in (info.get_object().items() if info is not None else ())
                 if not isinstance(v, (IndirectObject, DictionaryObject, ArrayObject))}
            )
        numbers: dict[int, int] = {}  # object number in this chunk -> in the output
        pending: list[IndirectObject] = []
        tree = root.raw_get("/Pages")
        numbers[tree.idnum] = _PAGES  # anything pointing at the old page tree: the new one
        pages = []
        for page in reader.pages:
            ref = page.indirect_reference
            numbers[ref.idnum] = self._new_number()
            pages.append((numbers[ref.idnum], page))

        def renumber(obj):
            if isinstance(obj, IndirectObject):
                number = numbers.get(obj.idnum)
                if number is None:
                    number = numbers[obj.idnum] = self._new_number()
                    pending.append(obj)
                return IndirectObject(number, 0, None)
            if isinstance(obj, DictionaryObject):  # stream objects too: their data is written as it is
                for key, value in list(obj.items()):
                    obj[key] = renumber(value)
            elif isinstance(obj, ArrayObject):
                for i, value in enumerate(list(obj)):
                    obj[i] = renumber(value)
            return obj

        for number, page in pages:
            page.pop("/Parent", None)  # not copied: the page joins the new, flat page tree
            renumber(page)
            page[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._write(number, page)
            self._pages.append(number)
            while pending:
                ref = pending.pop()
                self._write(numbers[ref.idnum], renumber(ref.get_object()))

    def close(self) -> None:
        """Drop the temporary file (after `result`, or when the batch failed)."""
        self._out.close()

    def result(self) -> bytes:
        """The whole PDF; the concatenator cannot be used afterwards."""
        kids = ArrayObject(IndirectObject(n, 0, None) for n in self._pages)
        self._write(_PAGES, DictionaryObject({NameObject("/Type"): NameObject("/Pages"),
                                              NameObject("/Kids"): kids,
                                              NameObject("/Count"): NumberObject(len(self._pages))}))
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                    NameObject("/Pages"): IndirectObject(_PAGES, 0, None)})
        if self._lang is not None:
            catalog[NameObject("/Lang")] = self._lang
        self._write(_CATALOG, catalog)
        self._write(_INFO, self._info if self._info is not None else DictionaryObject())
        out = self._out
        start = out.tell()
        table = [f"xref\n0 {len(self._offsets)}\n0000000000 65535 f \n".encode()]
        table += [f"{offset:010d} 00000 n \n".encode() for offset in self._offsets[1:]]
        out.write(b"".join(table))
        out.write(f"trailer\n<< /Size {len(self._offsets)} /Root {_CATALOG} 0 R /Info {_INFO} 0 R >>\n"
                  f"startxref\n{start}\n%%EOF\n".encode())
        out.seek(0)
        with out:
            return out.read()
