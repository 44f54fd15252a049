"""Forms of the allowance pages: the rate table, transport basis, bank details, override, paying, exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from plm.allowances.service import MAX_AMOUNT, AllowanceError, parse_amount
from plm.forms import BaseForm, strip_text
from plm.vocabulary import ParticipantRole

AMOUNT = [Optional(), NumberRange(min=0, max=MAX_AMOUNT)]


class RupiahField(IntegerField):
    """Whole rupiah as people type them: "1.500.000", "Rp 1.500.000" or "1500000"."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_amount(valuelist[0])
        except AllowanceError:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}".replace(",", ".") if isinstance(self.data, int) else ""


class RatesForm(BaseForm):
    daily_amount = RupiahField(_l("Daily allowance per day attended (Rp)"), default=0, validators=AMOUNT)
    actual_cost_cap = RupiahField(_l("Cap for actual transport costs (Rp, 0 = no cap)"), default=0, validators=AMOUNT)
    transport = TextAreaField(_l("Transport by origin: one line each, “Province; amount” or “Province; Regency/City; amount”"),
                              validators=[Length(max=40000)])
    purpose = StringField(_l("Purpose printed on the receipt"), validators=[Length(max=300)], filters=[strip_text])
    signatory_title = StringField(_l("Signatory's title (payment list and receipts)"), validators=[Length(max=120)],
                                  filters=[strip_text])
    signatory_name = StringField(_l("Signatory's name"), validators=[Length(max=120)], filters=[strip_text])
    serial_prefix = StringField(_l("Receipt number prefix"), default="KW", validators=[Length(max=10)], filters=[strip_text])


# Per role: a daily amount instead of the general one, a one-off fee, and the income tax (PPh) withheld.
for _role in ParticipantRole:
    setattr(RatesForm, f"{_role}_daily", RupiahField(_l("Daily (Rp)"), validators=AMOUNT))
    setattr(RatesForm, f"{_role}_fee", RupiahField(_l("Fee (Rp)"), validators=AMOUNT))
    setattr(RatesForm, f"{_role}_tax", DecimalField(_l("PPh (%)"), places=2, validators=[Optional(), NumberRange(min=0, max=50)]))


BASIS_CHOICES = [SelectChoice("rate", _l("Rate for the origin")),
                 SelectChoice("actual", _l("Actual cost with receipt photo (up to the cap)"))]


class TransportForm(BaseForm):
    regency = StringField(_l("Regency / city of origin"), validators=[Length(max=100)], filters=[strip_text])
    basis = SelectField(_l("Transport paid by"), choices=BASIS_CHOICES, default="rate")
    actual_cost = RupiahField(_l("Actual cost (Rp)"), validators=AMOUNT)
    receipt_photo = FileField(_l("Photo of the ticket or receipt"))


class BankForm(BaseForm):
    bank_name = StringField(_l("Bank"), validators=[Length(max=100)], filters=[strip_text])
    account_number = StringField(_l("Account number"), validators=[Length(max=40)], filters=[strip_text])
    account_holder = StringField(_l("Account holder"), validators=[Length(max=200)], filters=[strip_text])


class OverrideForm(BaseForm):
    amount = RupiahField(_l("Amount to pay instead (Rp; empty = the computed amount)"), validators=AMOUNT)
    reason = StringField(_l("Reason (required)"), validators=[DataRequired(message=_l("Give a reason.")),
                                                           Length(min=5, max=500)], filters=[strip_text])


METHOD_CHOICES = [SelectChoice("cash", _l("Cash")), SelectChoice("transfer", _l("Bank transfer"))]


class PayForm(BaseForm):
    method = RadioField(_l("Paid by"), choices=METHOD_CHOICES, default="cash")
    # Stroke points from the pad ({"width", "height", "strokes"}); the server draws the SVG.
    signature = HiddenField(validators=[Length(max=200_000)])


GROUP_CHOICES = [SelectChoice("province", _l("Grouped by province")),
                 SelectChoice("institution", _l("Grouped by institution"))]
STATUS_CHOICES = [SelectChoice("", _l("Everyone owed or paid")), SelectChoice("paid", _l("Paid only")),
                  SelectChoice("to_pay", _l("Still to pay"))]
FORMAT_CHOICES = [SelectChoice("pdf", _l("PDF to print")), SelectChoice("xlsx", _l("XLSX for the finance team"))]


class ExportForm(BaseForm):
    """A POST: an export of amounts and bank details is written to the audit log."""

    group = SelectField(_l("Order"), choices=GROUP_CHOICES, default="province")
    status = SelectField(_l("Who"), choices=STATUS_CHOICES, default="")
    format = SelectField(_l("File"), choices=FORMAT_CHOICES, default="pdf")


class ReceiptForm(BaseForm):
    pass
