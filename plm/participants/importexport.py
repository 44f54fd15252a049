"""Participant lists in and out: CSV (UTF-8 with BOM, `,` or `;`) and XLSX, the same columns both ways.

Import is two-step: `plan_import()` reads and checks every row without touching the database
(rows to add, rows to update by email, rows refused with the reason per row and column), then
`apply_import()` writes the accepted rows in the caller's transaction: one commit, so a file that
fails half-way changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from plm.models import CheckIn, Event, Participant, User, audit
from plm.pdf.fonts import PRINTED_LENGTHS, unprintable
from plm.questions import service as questions
from plm.registration.service import clean_data, find_province, normalize_phone
from plm.spreadsheets import (
    ImportPlan,
    RowIssue,
    UnreadableSpreadsheet,
    cell_text,
    csv_reader,
    csv_rows,
    decode_text,
    header_key,
    is_xlsx,
    xlsx_rows,
)
from plm.text import clean_line
from plm.vocabulary import InstitutionType, ParticipantRole, ParticipantStatus, RegistrationSource

# The export's columns, in order; import reads the same names (extra columns are ignored). Each stored
# code (institution type, role, status) has its label in the reader's language beside it; import reads the code.
COLUMNS = ["public_id", "full_name", "name_on_badge", "email", "phone", "institution", "institution_type",
           "institution_type_label", "province", "role", "role_label", "status", "status_label", "diet",
           "access_needs", "registered_at", "source", "checked_in"]
IMPORTED_FIELDS = ["full_name", "name_on_badge", "email", "phone", "institution", "institution_type", "province",
                   "role", "diet", "access_needs"]
# Headers people type in partner spreadsheets.
HEADER_ALIASES = {
    "nama": "full_name", "nama lengkap": "full_name", "name": "full_name", "full name": "full_name",
    "nama di badge": "name_on_badge", "nama pada badge": "name_on_badge", "name on badge": "name_on_badge",
    "e-mail": "email", "surel": "email", "alamat email": "email",
    "telepon": "phone", "no hp": "phone", "no. hp": "phone", "hp": "phone", "whatsapp": "phone", "wa": "phone",
    "nomor hp": "phone", "phone / whatsapp": "phone",
    "instansi": "institution", "lembaga": "institution", "perpustakaan": "institution",
    "jenis instansi": "institution_type", "jenis lembaga": "institution_type", "institution type": "institution_type",
    "provinsi": "province", "peran": "role", "makanan": "diet", "kebutuhan makanan": "diet",
    "kebutuhan aksesibilitas": "access_needs", "tanggal daftar": "registered_at", "registered": "registered_at",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 20000


class ImportFileError(ValueError):
    """The file cannot be read at all: str(exc) is a code (empty, missing_columns, unsupported_format, and
    plm.spreadsheets' unreadable_xlsx, too_large, too_many_rows, too_many_columns, field_too_long, unreadable_csv)."""


REASON_TEXT = {
    "missing_name": "full name is missing",
    "missing_email": "email is missing",
    "bad_email": "not a valid email address",
    "unknown_province": "unknown province",
    "bad_phone": "not a valid phone number",
    "bad_institution_type": "unknown institution type",
    "bad_role": "unknown role",
    "bad_date": "not a date",
    "too_long": "too long",
    "bad_text": "characters the badge and certificate fonts cannot print",
    "duplicate_in_file": "same email as an earlier row of this file",
    "bad_number": "not a number",
    "bad_choice": "not one of the question's choices",
    "bad_yes_no": "not yes or no",
    "bad_nip": "a NIP has exactly 18 digits",
    "departure_before_arrival": "departure before arrival",
}
FILE_ERROR_TEXT = {  # the CLI's words for ImportFileError codes (the web page has translated ones)
    "empty": "the file is empty",
    "missing_columns": "the first row must name the columns; full_name and email are required",
    "too_many_rows": f"too many rows (at most {MAX_ROWS:,})",
    "too_many_columns": "too many columns (at most 100)",
    "too_large": "the Excel file is too large once unpacked",
    "field_too_long": "one cell is far too long (over 64,000 characters)",
    "unreadable_xlsx": "the Excel file cannot be read; save it again as .xlsx or .csv",
    "unreadable_csv": "the CSV file cannot be read; save it again as UTF-8 .csv or .xlsx",
    "unsupported_format": "old .xls and .ods files are not supported; save as .xlsx or .csv",
}


# ---------------------------------------------------------------- reading files

def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """All rows of a CSV or XLSX file as lists of cells (first row: header), read under hard caps:
    at most MAX_ROWS rows besides the header, whatever the file declares."""
    if (filename or "").lower().endswith((".xls", ".ods")):
        raise ImportFileError("unsupported_format")
    try:
        if is_xlsx(data, filename):
            return xlsx_rows(data, max_rows=MAX_ROWS + 1)
        return list(csv_rows(csv_reader(decode_text(data)), max_rows=MAX_ROWS + 1))
    except UnreadableSpreadsheet as exc:
        raise ImportFileError(str(exc)) from exc


def parse_date(value: Any, tz_name: str) -> datetime | None:
    """Excel dates (cell dates, serial numbers) and typed dates as UTC datetimes; raises ValueError."""
    zone = ZoneInfo(tz_name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0), zone).astimezone(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError("serial out of range")
        naive = datetime(1899, 12, 30) + timedelta(days=float(value))  # Excel's 1900 system
        return naive.replace(tzinfo=zone).astimezone(UTC)
    text = clean_line(value)
    if text.replace(".", "", 1).isdigit():
        return parse_date(float(text), tz_name)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=zone).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not a date") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


ROLE_WORDS = {"peserta": "participant", "participant": "participant", "fasilitator": "facilitator",
              "facilitator": "facilitator", "narasumber": "speaker", "pembicara": "speaker", "speaker": "speaker",
              "panitia": "committee", "committee": "committee"}
INSTITUTION_WORDS = {"provinsi": "provincial", "provincial": "provincial", "province": "provincial",
                     "kabupaten": "regency_city", "kota": "regency_city", "regency": "regency_city", "city": "regency_city",
                     "desa": "village", "village": "village", "kelurahan": "village", "tbm": "tbm", "taman bacaan": "tbm",
                     "reading garden": "tbm", "lainnya": "other", "lain": "other", "other": "other"}


def _choice(value: str, choices: Iterable[str], words: dict[str, str]) -> str | None:
    """A stored value from a code ('regency_city'), or a label in Indonesian or English."""
    text = value.casefold().strip()
    if not text:
        return None
    for choice in choices:
        if text in (choice, choice.replace("_", " "), choice.replace("_", "/")):
            return choice
    for word, choice in words.items():
        if word in text and choice in choices:
            return choice
    return None


# ---------------------------------------------------------------- planning and applying

def plan_import(session: Session, event: Event, data: bytes, filename: str) -> ImportPlan:
    rows = read_rows(data, filename)
    rows = [row for row in rows if any(cell_text(cell) for cell in row)] if rows else []
    if not rows:
        raise ImportFileError("empty")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError("too_many_rows")
    header = [header_key(cell, COLUMNS, HEADER_ALIASES) for cell in rows[0]]
    if "full_name" not in header or "email" not in header:
        raise ImportFileError("missing_columns")
    # The event's own questions: a column headed with a question's key or label (either language).
    event_questions, answer_table = questions.answer_table(session, event.id)
    question_columns = {}
    for position, (cell, key) in enumerate(zip(rows[0], header, strict=False)):
        question = None if key else questions.match_header(event_questions, cell_text(cell))
        if question is not None and question.id not in {q.id for q in question_columns.values()}:
            question_columns[position] = question
    plan = ImportPlan(ignored_columns=[clean_line(c) for i, (c, k) in enumerate(zip(rows[0], header, strict=False))
                                       if not k and i not in question_columns and clean_line(c)])
    existing = {p.email_normalized: p for p in session.scalars(
        select(Participant).where(Participant.event_id == event.id))}
    seen: dict[str, int] = {}
    for index, row in enumerate(rows[1:], start=2):
        plan.total_rows += 1
        cells = {key: row[i] if i < len(row) else None for i, key in enumerate(header) if key}
        issues: list[RowIssue] = []
        values: dict[str, Any] = {key: cell_text(cells.get(key)) for key in IMPORTED_FIELDS if key in cells}
        if not values.get("full_name"):
            issues.append(RowIssue(index, "full_name", "missing_name"))
        for key, limit in PRINTED_LENGTHS.items():  # printed on badges and certificates: the forms' rule
            text = values.get(key, "")
            if len(text) > limit:
                issues.append(RowIssue(index, key, "too_long", text[:40]))
            elif unprintable(text):
                issues.append(RowIssue(index, key, "bad_text", " ".join(unprintable(text)[:10])))
        email = values.get("email", "").replace(" ", "")
        if not email:
            issues.append(RowIssue(index, "email", "missing_email"))
        else:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                issues.append(RowIssue(index, "email", "bad_email", email))
        values["email"] = email
        if values.get("province"):
            province = find_province(values["province"])
            if province is None:
                issues.append(RowIssue(index, "province", "unknown_province", values["province"]))
            values["province"] = province or ""
        if values.get("phone"):
            phone = normalize_phone(values["phone"])
            if phone is None:
                issues.append(RowIssue(index, "phone", "bad_phone", values["phone"]))
            values["phone"] = phone or ""
        if values.get("institution_type"):
            choice = _choice(values["institution_type"], InstitutionType.values(), INSTITUTION_WORDS)
            if choice is None:
                issues.append(RowIssue(index, "institution_type", "bad_institution_type", values["institution_type"]))
            values["institution_type"] = choice or InstitutionType.OTHER
        if values.get("role"):
            choice = _choice(values["role"], ParticipantRole.values(), ROLE_WORDS)
            if choice is None:
                issues.append(RowIssue(index, "role", "bad_role", values["role"]))
            values["role"] = choice or ParticipantRole.PARTICIPANT
        for key in ("diet", "access_needs"):
            if len(values.get(key, "")) > 300:
                issues.append(RowIssue(index, key, "too_long", values[key][:40]))
        registered_at = None
        if cells.get("registered_at") not in (None, ""):
            try:
                registered_at = parse_date(cells["registered_at"], event.timezone)
            except (ValueError, OverflowError):
                issues.append(RowIssue(index, "registered_at", "bad_date", cell_text(cells["registered_at"])))
        answers = _row_answers(index, row, question_columns, issues)
        key = email.lower()
        if email and key in seen and not any(i.column == "email" for i in issues):
            issues.append(RowIssue(index, "email", "duplicate_in_file", email, other_row=seen[key]))
        if issues:
            plan.refused.extend(issues)
            continue
        seen[key] = index
        values = {k: v for k, v in clean_data(values).items() if v != "" or k in ("email", "full_name")}
        values["_row"] = index
        if registered_at is not None:
            values["_registered_at"] = registered_at
        if answers:
            values["_answers"] = answers
        current = existing.get(key)
        if current is None:
            plan.to_add.append(values)
        else:
            changes = {k: [getattr(current, k), v] for k, v in values.items()
                       if not k.startswith("_") and k != "email" and getattr(current, k) != v}
            before = answer_table.get(current.id, {})
            changes.update({f"q_{k}": [before.get(k, ""), v] for k, v in answers.items() if before.get(k) != v})
            if changes:
                values["_participant_id"] = current.id
                values["_changes"] = changes
                plan.to_update.append(values)
            else:
                plan.unchanged += 1
    return plan


def _row_answers(index: int, row: list[Any], question_columns: dict[int, Any], issues: list[RowIssue]) -> dict:
    """The row's typed answers by question key (empty cells leave an answer as it is); problems go to issues."""
    answers = {}
    for position, question in question_columns.items():
        raw = row[position] if position < len(row) else None
        cell = raw
        if isinstance(raw, str) and len(raw) > 1 and raw[0] == "'" and raw[1] in FORMULA_START:
            cell = raw[1:]  # our own export's neutralising quote; clean_answer keeps a long text's line breaks
        try:
            value = questions.clean_answer(question, cell)
        except questions.AnswerError as exc:
            issues.append(RowIssue(index, question.key, str(exc), cell_text(raw)[:40]))
            continue
        if value is not None:
            answers[question.key] = value
    for key, code in questions.cross_check(question_columns.values(), answers):
        issues.append(RowIssue(index, key, code, str(answers[key])))
    return answers


def apply_import(session: Session, event: Event, plan: ImportPlan, user: User | None = None,
                 filename: str = "") -> dict[str, int]:
    """Write the plan's rows (caller commits once). New rows are registered, source "import"."""
    with_answers = []
    for values in plan.to_add:
        fields = {k: v for k, v in values.items() if not k.startswith("_")}
        participant = Participant(event_id=event.id, source=RegistrationSource.IMPORT, status=ParticipantStatus.REGISTERED, **fields)
        if values.get("_registered_at"):
            participant.created_at = values["_registered_at"]
        session.add(participant)
        if values.get("_answers"):
            with_answers.append((participant, values["_answers"]))
    by_id = {p.id: p for p in session.scalars(select(Participant).where(
        Participant.id.in_([v["_participant_id"] for v in plan.to_update])))} if plan.to_update else {}
    for values in plan.to_update:
        participant = by_id[values["_participant_id"]]
        for field_name, (_old, new) in values["_changes"].items():
            if not field_name.startswith("q_"):
                setattr(participant, field_name, new)
        if values.get("_answers"):
            with_answers.append((participant, values["_answers"]))
    session.flush()
    if with_answers:
        event_questions = questions.list_questions(session, event.id)
        for participant, answers in with_answers:
            questions.save_values(session, participant, event_questions, answers)
        session.flush()
    audit(session, "participants.import", user=user, event_id=event.id, target=event, filename=filename[:200],
          **plan.summary())
    return plan.summary()


def format_report(plan: ImportPlan) -> list[str]:
    lines = [f"rows: {plan.total_rows}, to add: {len(plan.to_add)}, to update: {len(plan.to_update)}, "
             f"unchanged: {plan.unchanged}, refused: {plan.refused_rows}"]
    if plan.ignored_columns:
        lines.append("ignored columns: " + ", ".join(plan.ignored_columns))
    for issue in plan.refused:
        value = f" ({issue.value})" if issue.value else ""
        if issue.other_row:
            value += f" (row {issue.other_row})"
        lines.append(f"refused row {issue.row}, column {issue.column}: {REASON_TEXT.get(issue.reason, issue.reason)}{value}")
    return lines


# ---------------------------------------------------------------- export

def neutralize(value: Any) -> Any:
    """Cells starting with = + - @ (or tab/CR) would run as formulas in a spreadsheet: prefix a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def phone_for_csv(value: str) -> str:
    """A stored E.164 number as people write it, in a form no spreadsheet turns into a number or formula.

    Indonesian numbers in national form with dashes (0812-3456-7890: the leading 0 stays, no quote
    needed); other countries as 00 and the international form (00 44 20 7946 0958). Import reads both.
    """
    import phonenumbers

    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 62:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "00 " + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL).lstrip("+")


def export_header(session: Session, event: Event) -> list[str]:
    """COLUMNS, then one column per question of the event, headed with its key (import reads it back)."""
    return COLUMNS + [q.key for q in questions.list_questions(session, event.id)]


def export_rows(session: Session, event: Event, query: Any | None = None, lang: str = "id") -> Iterable[list[Any]]:
    """Raw rows (not neutralised) of the participants the staff list shows for `query` (all when None); the
    event's questions last, choices as their labels in `lang`."""
    from plm.labels import INSTITUTION_TYPE_LABELS, PARTICIPANT_ROLE_LABELS, STATUS_LABELS
    from plm.participants.service import SORTS, ListQuery, list_conditions

    query = query or ListQuery()
    checked_in = exists().where(CheckIn.participant_id == Participant.id)
    statement = (select(Participant, checked_in.label("checked_in"))
                 .where(*list_conditions(event, query)).order_by(*SORTS[query.sort]))
    zone = ZoneInfo(event.timezone)
    event_questions, answers = questions.answer_table(session, event.id)
    for participant, is_in in session.execute(statement):
        mine = answers.get(participant.id, {})
        registered = participant.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        yield [
            participant.public_id, participant.full_name, participant.name_on_badge, participant.email,
            participant.phone, participant.institution, participant.institution_type,
            str(INSTITUTION_TYPE_LABELS.get(participant.institution_type, participant.institution_type)),
            participant.province, participant.role,
            str(PARTICIPANT_ROLE_LABELS.get(participant.role, participant.role)), participant.status,
            str(STATUS_LABELS.get(participant.status, participant.status)), participant.diet,
            participant.access_needs, registered, participant.source, "yes" if is_in else "no",
            *[questions.export_value(q, mine.get(q.key), lang) for q in event_questions]]


PHONE_COLUMN = COLUMNS.index("phone")


def export_csv(session: Session, event: Event, query: Any | None = None, lang: str = "id") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_header(session, event))
    for row in export_rows(session, event, query, lang):
        row[PHONE_COLUMN] = phone_for_csv(row[PHONE_COLUMN])
        writer.writerow([neutralize(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(session: Session, event: Event, query: Any | None = None, lang: str = "id") -> bytes:
    """Every value a text cell, shown as typed (+62…, names): a text cell is never run as a formula, and
    one that looks like a formula is marked quote-prefixed, as Excel does for text typed after an apostrophe,
    so editing it in Excel keeps it text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="participants")
    sheet.append(export_header(session, event))
    for row in export_rows(session, event, query, lang):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
