"""The check-in vocabularies are StrEnums inside the service; on the wire they stay the contract's plain strings."""

from __future__ import annotations

import json

import pytest

from plm.checkin.service import CheckinError, Result, parse_scan_body
from plm.vocabulary import CheckInSource as Source

pytestmark = pytest.mark.nodb


def test_result_codes_are_the_contract_strings():
    assert [r.value for r in Result] == ["ok", "already", "unknown", "invalid", "cancelled", "wrong_event",
                                         "not_signed_up", "wrong_day"]
    assert json.dumps({"result": Result.NOT_SIGNED_UP}) == '{"result": "not_signed_up"}'


@pytest.mark.parametrize("source", ["qr", "manual", "walk-in", "offline-sync", "paper"])
def test_a_known_source_is_kept_as_a_plain_string(source):
    scan = parse_scan_body({"code": "PLM1:X:Y:Z", "checkpoint": 1, "source": source})
    assert scan.source == source and type(scan.source) is str  # stored and answered as it came
    assert Source(source).value == source


def test_source_defaults_to_qr():
    scan = parse_scan_body({"code": "PLM1:X:Y:Z", "checkpoint": 1})
    assert scan.source == "qr" and type(scan.source) is str


@pytest.mark.parametrize("source", ["paperless", "QR", "", None, ["qr"], {"qr": 1}, 1])
def test_an_unknown_source_is_refused_with_the_list(source):
    with pytest.raises(CheckinError) as refused:
        parse_scan_body({"code": "PLM1:X:Y:Z", "checkpoint": 1, "source": source})
    assert refused.value.code == "invalid_field" and refused.value.field == "source"
    assert str(refused.value) == "source must be one of qr, manual, walk-in, offline-sync, paper"
