"""Allowances follow the door's attendance: days checked in (scan, paper), never days registered; the rate
table by origin and role with PPh; overrides need a reason and are audited; paying freezes the figures;
an undo at the door removes a day's allowance before payment and is refused after it without an admin's
reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plm.allowances import service
from plm.allowances.models import Allowance
from plm.attendance import service as attendance
from plm.checkin import service as checkin
from plm.extensions import db
from plm.models import AuditLog, CheckIn
from tests.helpers import SECRET, add_participant, day_checkpoint


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def treasurer(make_user):
    return make_user("finance", "bendahara@test.example")


@pytest.fixture
def rates(event, admin):
    """250.000 a day; transport Bali 300.000, NTB 1.200.000, Kota Bima 1.600.000; speakers a 1.000.000 fee with 5% PPh."""
    roles = {"speaker": service.RoleRates(fee=1_000_000, tax_percent=5.0),
             "facilitator": service.RoleRates(daily=400_000)}
    service.save_settings(db.session, event, admin, daily_amount=250_000, actual_cost_cap=2_000_000, purpose="",
                          signatory_title="Ketua Panitia", signatory_name="Drs. Made", serial_prefix="kw",
                          roles=roles, transport_text="Bali; 300.000\nNusa Tenggara Barat; 1.200.000\n"
                                                      "Nusa Tenggara Barat; Kota Bima; Rp 1.600.000")
    db.session.commit()
    return service.settings_for(db.session, event)


def _check_in(event, person, user, day_index=0, source="manual"):
    cp = day_checkpoint(event, day_index)
    answer = attendance.mark(db.session, SECRET, event, cp, person.public_id, user, source=source)
    db.session.commit()
    assert answer["result"] == "ok", answer
    return answer["checkin_id"]


def _line(event, person):
    db.session.expire_all()
    return service.line_for(db.session, event, person)


def test_amount_is_days_at_the_door_times_rate_plus_transport_by_origin(event, rates, admin):
    ayu = add_participant(event, "Ayu", province="Bali")
    bima = add_participant(event, "Bima", province="Nusa Tenggara Barat")
    never = add_participant(event, "Tidak Datang", province="Bali")
    assert _line(event, ayu).figures.net == 0  # registered for four days, came to none: nothing owed
    _check_in(event, ayu, admin, 0)
    _check_in(event, ayu, admin, 2, source="paper")
    f = _line(event, ayu).figures
    assert (f.days, f.transport, f.daily, f.tax, f.net) == (2, 300_000, 500_000, 0, 800_000)
    _check_in(event, bima, admin, 0)
    assert _line(event, bima).figures.transport == 1_200_000
    service.set_transport(db.session, event, bima, admin, regency="kota bima", basis="rate", actual_cost=None)
    db.session.commit()
    assert _line(event, bima).figures.transport == 1_600_000  # the regency wins over its province
    assert _line(event, never).figures == service.Figures(0, 0, 0, 0, 0.0, 0, 0, 0)


def test_role_rates_fee_and_tax(event, rates, admin):
    speaker = add_participant(event, "Pembicara", province="Bali", role="speaker")
    facilitator = add_participant(event, "Fasilitator", province="Bali", role="facilitator")
    for day in range(3):
        _check_in(event, speaker, admin, day)
    _check_in(event, facilitator, admin, 0)
    f = _line(event, speaker).figures
    # PPh 5% of (3 x 250.000 + 1.000.000) = 87.500; transport is not taxed.
    assert (f.daily, f.fee, f.tax, f.net) == (750_000, 1_000_000, 87_500, 300_000 + 1_750_000 - 87_500)
    assert _line(event, facilitator).figures.daily == 400_000


def test_actual_cost_needs_a_photo_and_is_capped(event, rates, admin, tmp_path):
    person = add_participant(event, "Pesawat", province="Papua")
    _check_in(event, person, admin, 0)
    with pytest.raises(service.AllowanceError) as error:
        service.set_transport(db.session, event, person, admin, regency="", basis="actual", actual_cost=3_500_000)
    assert error.value.code == "receipt_photo_missing"
    db.session.rollback()
    service.set_transport(db.session, event, person, admin, regency="", basis="actual", actual_cost=3_500_000,
                          receipt_path="transport-receipts/x.png")
    db.session.commit()
    assert _line(event, person).figures.transport == 2_000_000  # the cap


def test_override_needs_a_reason_and_is_audited(event, rates, admin, treasurer):
    person = add_participant(event, "Ayu", province="Bali")
    _check_in(event, person, admin, 0)
    with pytest.raises(service.AllowanceError) as error:
        service.set_override(db.session, event, person, treasurer, amount=100_000, reason="  ")
    assert error.value.code == "reason_required"
    db.session.rollback()
    service.set_override(db.session, event, person, treasurer, amount=100_000, reason="Tiket dibayar dinas")
    db.session.commit()
    f = _line(event, person).figures
    assert (f.net, f.computed_net, f.overridden) == (100_000, 550_000, True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "allowances.override"))
    assert entry.user_id == treasurer.id and entry.detail["reason"] == "Tiket dibayar dinas"
    assert entry.detail["computed"] == 550_000 and entry.detail["after"] == 100_000


def test_pay_freezes_figures_and_issues_a_serial(event, rates, admin, treasurer):
    person = add_participant(event, "Ayu", province="Bali")
    with pytest.raises(service.AllowanceError) as error:
        service.pay(db.session, event, person, treasurer, method="cash")
    assert error.value.code == "nothing_to_pay"
    db.session.rollback()
    _check_in(event, person, admin, 0)
    with pytest.raises(service.AllowanceError) as error:
        service.pay(db.session, event, person, treasurer, method="transfer")
    assert error.value.code == "bank_missing"
    db.session.rollback()
    row = service.pay(db.session, event, person, treasurer, method="cash")
    db.session.commit()
    assert row.serial.startswith("KW-0001-") and row.paid_figures["net"] == 550_000
    assert service.find_receipt(db.session, row.serial.lower()).id == row.id
    # A later rate change does not touch what was paid.
    service.save_settings(db.session, event, admin, daily_amount=999_000, actual_cost_cap=0, purpose="",
                          signatory_title="", signatory_name="", serial_prefix="KW", roles={}, transport_text="")
    db.session.commit()
    assert _line(event, person).figures.net == 550_000
    with pytest.raises(service.AllowanceError) as error:
        service.pay(db.session, event, person, treasurer, method="cash")
    assert error.value.code == "already_paid"


def test_undo_before_payment_removes_the_days_allowance(event, rates, admin):
    person = add_participant(event, "Ayu", province="Bali")
    _check_in(event, person, admin, 0)
    second = _check_in(event, person, admin, 1)
    assert _line(event, person).figures.days == 2
    checkin.undo_checkin(db.session, event, second, admin)
    db.session.commit()
    assert _line(event, person).figures.days == 1
    assert _line(event, person).figures.net == 550_000


def test_undo_after_payment_is_refused_unless_an_admin_gives_a_reason(event, rates, admin, treasurer, make_user):
    organizer = make_user("organizer", "pintu@test.example")
    person = add_participant(event, "Ayu", province="Bali")
    first = _check_in(event, person, organizer, 0)
    service.pay(db.session, event, person, treasurer, method="cash")
    db.session.commit()
    with pytest.raises(checkin.UndoError) as error:
        checkin.undo_checkin(db.session, event, first, organizer)
    assert error.value.code == "allowance_paid" and error.value.status == 409
    db.session.rollback()
    with pytest.raises(checkin.UndoError) as error:
        checkin.undo_checkin(db.session, event, first, organizer, override_reason="salah orang")
    assert error.value.code == "override_admin_only"
    db.session.rollback()
    with pytest.raises(checkin.UndoError):
        checkin.undo_checkin(db.session, event, first, admin, override_reason="   ")
    db.session.rollback()
    assert db.session.get(CheckIn, first) is not None
    checkin.undo_checkin(db.session, event, first, admin, override_reason="Salah pindai, orangnya lain")
    db.session.commit()  # the request's commit
    assert db.session.get(CheckIn, first) is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "allowances.undo_after_payment"))
    assert entry.detail["reason"] == "Salah pindai, orangnya lain" and entry.user_id == admin.id
    # What was paid stays on the receipt.
    assert db.session.scalar(select(Allowance)).paid_figures["days"] == 1


def test_paper_batch_undo_is_refused_after_payment(event, rates, admin, treasurer):
    person = add_participant(event, "Ayu", province="Bali")
    result = attendance.record_paper(db.session, SECRET, event, day_checkpoint(event, 0), [person.public_id], admin)
    service.pay(db.session, event, person, treasurer, method="cash")
    db.session.commit()
    with pytest.raises(attendance.AttendanceError) as error:
        attendance.undo_paper(db.session, event, result["batch"], admin)
    assert error.value.code == "allowance_paid"
    db.session.rollback()
    assert len(db.session.scalars(select(CheckIn)).all()) == 1


def test_transport_lines_are_checked(event, admin):
    with pytest.raises(service.AllowanceError) as error:
        service.parse_transport_lines("Bali; 300.000\nAceh tiga ratus")
    assert error.value.code == "bad_rate_line" and error.value.detail == {"line": 2}
    assert service.parse_transport_lines("Bali\t300000\n\nNTB; Kota Bima; Rp 1.600.000,00") == [
        ("Bali", "", 300_000), ("NTB", "Kota Bima", 1_600_000)]
    for bad in ("1,5", "-100", "٣٠٠", "12e5", "9999999999"):
        with pytest.raises(service.AllowanceError):
            service.parse_amount(bad)


def test_payment_list_groups_and_totals(event, rates, admin, treasurer):
    a = add_participant(event, "Ayu", province="Bali", institution="TBM Ungasan")
    b = add_participant(event, "Bima", province="Nusa Tenggara Barat", institution="Perpusda Bima")
    add_participant(event, "Tidak Datang", province="Aceh")
    for person in (a, b):
        _check_in(event, person, admin, 0)
    service.set_bank(db.session, event, b, treasurer, bank_name="BRI", account_number="0123-4567-89",
                     account_holder="Bima")
    service.pay(db.session, event, b, treasurer, method="transfer")
    db.session.commit()
    groups, total = service.grouped(service.lines(db.session, event), "province")
    assert [g.name for g in groups] == ["Bali", "Nusa Tenggara Barat"]  # Aceh: nobody owed anything
    assert (total.people, total.net, total.paid, total.paid_net) == (2, 550_000 + 1_450_000, 1, 1_450_000)
    data = service.payment_list(db.session, event, "institution")
    assert [g.name for g in data.groups] == ["Perpusda Bima", "TBM Ungasan"]
    assert data.groups[0].rows[0].bank == "BRI 0123456789 a.n. Bima"


def test_a_double_tap_pays_once(event, rates, admin, treasurer):
    """The second of two taps on Pay read the row before the first committed: it must be refused, not pay
    again under a new receipt serial (which would void the receipt already printed)."""
    from sqlalchemy.orm import Session

    from plm.models import Event, Participant, User

    person = add_participant(event, "Ayu", province="Bali")
    _check_in(event, person, admin, 0)
    service.set_bank(db.session, event, person, treasurer, bank_name="BPD Bali", account_number="0101234567",
                     account_holder="Ayu")
    db.session.commit()
    stale = db.session.scalar(select(Allowance))  # what the second request read
    assert stale.status == "to_pay"
    with Session(db.engine) as first:
        paid = service.pay(first, first.get(Event, event.id), first.get(Participant, person.id),
                           first.get(User, treasurer.id), method="cash")
        serial = paid.serial
        first.commit()
    with pytest.raises(service.AllowanceError) as error:
        service.pay(db.session, event, person, treasurer, method="cash")
    assert error.value.code == "already_paid"
    db.session.rollback()
    assert [r.serial for r in db.session.scalars(select(Allowance))] == [serial]
    assert service.find_receipt(db.session, serial) is not None
