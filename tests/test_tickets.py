import pytest

from plm import tickets

pytestmark = pytest.mark.nodb

KEY = tickets.event_key("app-secret", "plm-2015")


def test_round_trip():
    code = tickets.make_code(KEY, "plm-2015", "ABCDEFGH23", "s3cret")
    assert code.startswith("PLM1:PLM-2015:ABCDEFGH23:")
    parsed = tickets.parse_code(code)
    assert parsed.event_slug == "PLM-2015" and parsed.public_id == "ABCDEFGH23"
    assert tickets.verify(KEY, parsed, "s3cret")


def test_scanner_case_and_whitespace_are_forgiven():
    code = tickets.make_code(KEY, "plm-2015", "ABCDEFGH23", "s")
    assert tickets.verify(KEY, tickets.parse_code("  " + code.lower() + "\n"), "s")


@pytest.mark.parametrize("mutate", [
    lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),             # edited MAC
    lambda c: c.replace("ABCDEFGH23", "ABCDEFGH24"),                 # other participant
])
def test_forged_codes_fail(mutate):
    code = tickets.make_code(KEY, "plm-2015", "ABCDEFGH23", "s")
    assert not tickets.verify(KEY, tickets.parse_code(mutate(code)), "s")


def test_new_ticket_secret_or_key_version_reissues():
    code = tickets.parse_code(tickets.make_code(KEY, "plm-2015", "ABCDEFGH23", "s"))
    assert not tickets.verify(KEY, code, "other")
    assert not tickets.verify(tickets.event_key("app-secret", "plm-2015", 2), code, "s")
    assert not tickets.verify(tickets.event_key("other-app", "plm-2015"), code, "s")


@pytest.mark.parametrize("text", ["", "hello", "PLM1:a:b", "PLM2:A:B:CCCCCCCCCCCCC", "PLM1:A:B:SHORT",
                                  "PLM1:A::CCCCCCCCCCCCC", "x" * 500, "PLM1:A:B C:CCCCCCCCCCCCC", None, 12])
def test_garbage_is_a_format_error(text):
    with pytest.raises(tickets.TicketFormatError):
        tickets.parse_code(text)


def test_code_fits_a_small_qr():
    from plm.qr import qr_matrix

    code = tickets.make_code(KEY, "plm-2015", "ABCDEFGH23", "s")
    assert len(qr_matrix(code)) <= 29  # version 3 at most: 17 + 4 * version modules a side


@pytest.mark.parametrize("text", [
    "PLM1:PLM-2015:E3YUAW2LAU:CQGBG4QNBHR\u0410R",   # Cyrillic A in the MAC (issue 12): compare_digest raised
    "PLM1:PLM-2015:E3YU\u0410W2LAU:CQGBG4QNBHRAR",   # ... in the public id (isalnum() says yes)
    "PLM1:PLM-2015:E3YUAW2LAU:CQGBG4QNBH\u00dfR",    # ß: upper() makes it SS
    "PLM1:PLM-2015:\u0661\u0662AW2LAU:CQGBG4QNBHRAR",  # Arabic-Indic digits
    "PLM1:PLM-2015:E3YUAW2LAU:CQGBG4QNBHRA1",        # 1 is not base32
    "PLM1:PLM 2015:E3YUAW2LAU:CQGBG4QNBHRAR", "PLM1:-:E3YUAW2LAU:CQGBG4QNBHRAR",
])
def test_anything_but_ascii_letters_digits_and_dashes_is_a_format_error(text):
    with pytest.raises(tickets.TicketFormatError):
        tickets.parse_code(text)


def test_verify_never_raises_on_an_odd_mac():
    code = tickets.TicketCode("PLM-2015", "ABCDEFGH23", "CQGBG4QNBHR\u0410R")
    assert tickets.verify(KEY, code, "s") is False
