"""The partner list in and out (CSV or XLSX, Indonesian or English headers), and the overview's export.

Import is planned first (`plan_import`: every row checked, nothing written, a reason per refused row),
then applied (`apply_import`) in the caller's transaction. Rows match existing institutions by name.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from plm.delegations import service
from plm.models import Event, User
from plm.participants.importexport import ImportFileError, neutralize, read_rows
from plm.registration.service import find_province, normalize_phone
from plm.spreadsheets import ImportPlan, RowIssue, cell_text, header_key
from plm.text import clean_line
from plm.vocabulary import InstitutionType

COLUMNS = ["name", "institution_type", "province", "regency", "contact_name", "contact_whatsapp", "contact_email",
           "seats"]
HEADER_ALIASES = {
    "nama": "name", "nama instansi": "name", "nama lembaga": "name", "instansi": "name", "lembaga": "name",
    "institution": "name", "perpustakaan": "name", "mitra": "name",
    "jenis": "institution_type", "jenis instansi": "institution_type", "jenis lembaga": "institution_type",
    "type": "institution_type",
    "provinsi": "province", "kabupaten/kota": "regency", "kabupaten": "regency", "kota": "regency",
    "kab/kota": "regency", "regency/city": "regency",
    "narahubung": "contact_name", "kontak": "contact_name", "nama kontak": "contact_name", "contact": "contact_name",
    "whatsapp": "contact_whatsapp", "wa": "contact_whatsapp", "no wa": "contact_whatsapp", "no. wa": "contact_whatsapp",
    "no hp": "contact_whatsapp", "telepon": "contact_whatsapp", "hp": "contact_whatsapp",
    "email": "contact_email", "e-mail": "contact_email", "surel": "contact_email",
    "kuota": "seats", "kursi": "seats", "jumlah kursi": "seats", "jumlah peserta": "seats", "quota": "seats",
}
# Institution types as people write them.
TYPE_WORDS = {
    "provinsi": "provincial", "perpustakaan provinsi": "provincial", "provincial library": "provincial",
    "kabupaten/kota": "regency_city", "kabupaten": "regency_city", "kota": "regency_city",
    "perpustakaan kabupaten/kota": "regency_city", "regency/city library": "regency_city",
    "desa": "village", "perpustakaan desa": "village", "village library": "village",
    "taman bacaan masyarakat": "tbm", "reading garden": "tbm", "lainnya": "other", "lain-lain": "other",
}
MAX_ROWS = 2000
MAX_SEATS = 500


def plan_import(session: Session, event: Event, data: bytes, filename: str) -> ImportPlan:
    """Read and check every row; write nothing. Raises ImportFileError for a file that cannot be read."""
    rows = read_rows(data, filename)
    if not rows:
        raise ImportFileError("empty")
    keys = [header_key(value, COLUMNS, HEADER_ALIASES) for value in rows[0]]
    if "name" not in keys:
        raise ImportFileError("missing_columns")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError("too_many_rows")
    existing = {clean_line(i.name).casefold(): i for i in service.institutions(session, event)}
    seen: dict[str, int] = {}
    plan = ImportPlan()
    for number, raw in enumerate(rows[1:], start=2):
        cells = {key: cell_text(raw[index]) for index, key in enumerate(keys) if key and index < len(raw)}
        if not any(cells.values()):
            continue
        plan.total_rows += 1
        issues = []
        values: dict[str, Any] = {}
        name = cells.get("name", "")
        if not name:
            issues.append(RowIssue(number, "name", "missing_name"))
        elif len(name) > 300:
            issues.append(RowIssue(number, "name", "too_long", name[:40]))
        values["name"] = name
        kind = cells.get("institution_type", "")
        if kind:
            code = kind.casefold().replace(" ", "_") if kind.casefold().replace(" ", "_") in InstitutionType.values() else None
            code = code or TYPE_WORDS.get(kind.casefold())
            if code is None:
                issues.append(RowIssue(number, "institution_type", "bad_type", kind))
            values["institution_type"] = code or "other"
        province = cells.get("province", "")
        if province:
            canonical = find_province(province)
            if canonical is None:
                issues.append(RowIssue(number, "province", "unknown_province", province))
            values["province"] = canonical or ""
        for key in ("regency", "contact_name"):
            if key in cells:
                values[key] = cells[key][:200]
        phone = cells.get("contact_whatsapp", "")
        if phone:
            normalized = normalize_phone(phone)
            if normalized is None:
                issues.append(RowIssue(number, "contact_whatsapp", "bad_phone", phone))
            values["contact_whatsapp"] = normalized or ""
        email = cells.get("contact_email", "").replace(" ", "")
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                issues.append(RowIssue(number, "contact_email", "bad_email", email))
            values["contact_email"] = email
        seats = cells.get("seats", "")
        if seats:
            try:
                values["seats"] = int(seats)
                if not 0 <= values["seats"] <= MAX_SEATS:
                    raise ValueError
            except ValueError:
                issues.append(RowIssue(number, "seats", "bad_seats", seats))
        key = name.casefold()
        if name and key in seen:
            issues.append(RowIssue(number, "name", "duplicate_in_file", name))
        if issues:
            plan.refused.extend(issues)
            continue
        seen[key] = number
        current = existing.get(key)
        if current is None:
            values.setdefault("seats", 1)
            values["_row"] = number
            plan.to_add.append(values)
            continue
        changes = {k: v for k, v in values.items() if getattr(current, k) != v}
        if changes:
            changes["_institution_id"] = current.id
            changes["_row"] = number
            plan.to_update.append(changes)
        else:
            plan.unchanged += 1
    return plan


def apply_import(session: Session, event: Event, plan: ImportPlan, user: User | None) -> dict[str, int]:
    for values in plan.to_add:
        service.save_institution(session, event, {k: v for k, v in values.items() if not k.startswith("_")}, user)
    for values in plan.to_update:
        institution = service.get_institution(session, event, values["_institution_id"])
        if institution is not None:
            data = {k: v for k, v in values.items() if not k.startswith("_")}
            data.setdefault("name", institution.name)
            service.save_institution(session, event, data, user, institution)
    return plan.summary()


# ---------------------------------------------------------------- export

OVERVIEW_COLUMNS = ["name", "institution_type", "province", "regency", "contact_name", "contact_whatsapp",
                    "contact_email", "seats", "registered", "pending", "waitlisted", "left", "acted_through_link"]


def overview_rows(session: Session, event: Event) -> list[list[Any]]:
    rows = []
    for row in service.overview(session, event):
        i = row.institution
        rows.append([i.name, i.institution_type, i.province, i.regency, i.contact_name, i.contact_whatsapp,
                     i.contact_email, i.seats, row.registered, row.pending, row.waitlisted, row.left,
                     "yes" if i.first_active_at else "no"])
    return rows


def export_csv(session: Session, event: Event) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OVERVIEW_COLUMNS)
    for row in overview_rows(session, event):
        writer.writerow([neutralize(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(session: Session, event: Event) -> bytes:
    """Text cells for text (never a formula), numbers for the counts."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="delegations")
    sheet.append(OVERVIEW_COLUMNS)
    for row in overview_rows(session, event):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
