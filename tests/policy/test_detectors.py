"""The UK detectors on their own: what each finds, and the look-alikes each must leave alone."""
from __future__ import annotations

import pytest

from policy import detectors as det
from policy.checker import PACK

CFG = PACK.detector_config
NONE = det.OwnIndex()
OWN = det.build_own_index(
    ["suffolk.gov.uk", "@SuffolkFire.gov.uk"],
    ["01473 260588", "+44 (0)345 606 6067"],
    ["Endeavour House, 8 Russell Road, Ipswich IP1 2BX"],
)


def found(fn, text, own=NONE):
    return [text[h.start:h.end] for h in fn(text, own, CFG)]


def graded(fn, text, own=NONE):
    return [(text[h.start:h.end], h.level) for h in fn(text, own, CFG)]


# --- phones -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,number", [
    ("ring 07911 123456 now", "07911 123456"),
    ("ring 07911123456 now", "07911123456"),
    ("ring +44 7911 123456 now", "+44 7911 123456"),
    ("ring 0044 7911 123456 now", "0044 7911 123456"),
    ("ring (01473) 555123 now", "(01473) 555123"),
    ("ring 020 7946 0958 now", "020 7946 0958"),
    ("ring 07700 900123 now", "07700 900123"),  # Ofcom drama range: still reads as a mobile
])
def test_phone_numbers(text, number):
    assert found(det.phones, text) == [number]


def test_own_and_organisational_numbers_are_not_personal():
    assert found(det.phones, "call 01473 260588 or +44 1473 260588 or 0345 606 6067", OWN) == []
    assert found(det.phones, "call 0800 123 4567 or 0300 123 4567 or 0808 800 5000") == []
    assert found(det.phones, "call 01473 260588") == ["01473 260588"]  # not ours unless we say so


def test_phone_lookalikes():
    for text in ("in 2023 we fixed 12,345 potholes", "card 4111 1111 1111 1111", "ref 12345678",
                 "dated 12/03/2024", "NHS 111 or 999", "between 0900 and 1700"):
        assert found(det.phones, text) == [], text


def test_two_numbers_in_one_run_are_both_found():
    assert found(det.phones, "01473 555123 07911 123456") == ["01473 555123", "07911 123456"]


# --- emails -----------------------------------------------------------------------------

def test_emails_except_our_own_domains_and_subdomains():
    text = "write to jo@gmail.com, info@suffolk.gov.uk, x@fire.suffolkfire.gov.uk or y@notsuffolk.gov.uk"
    assert found(det.emails, text, OWN) == ["jo@gmail.com", "y@notsuffolk.gov.uk"]
    assert found(det.emails, "follow @SuffolkCC on X") == []
    assert found(det.emails, "enquiries@suffolklibraries.co.uk, dave.enquiries@gmail.com") == [
        "dave.enquiries@gmail.com"]


# --- postcodes --------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["IP1 2BX", "IP14 4LJ", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
                                  "EC1A 1BB", "W1A 0AX", "ip1 2bx", "IP12BX"])
def test_valid_postcodes(code):
    assert found(det.postcodes, f"near {code} today") == [code]


@pytest.mark.parametrize("text", ["A14 J28", "QQ1 2AB", "IP1 2CI", "the b2 3rd floor", "AB12 CDE", "M25 ok",
                                  "V1 2AB", "IP1 2AV"])
def test_not_postcodes(text):
    assert found(det.postcodes, text) == []


def test_own_building_postcode_is_not_flagged():
    assert found(det.postcodes, "Endeavour House IP1 2BX", OWN) == []


# --- National Insurance numbers ---------------------------------------------------------

@pytest.mark.parametrize("ni", ["AB 12 34 56 C", "AB123456C", "JG103759A", "ab123456d", "CE 10 37 59"])
def test_ni_numbers(ni):
    assert found(det.ni_numbers, f"ni {ni} ok") == [ni]


@pytest.mark.parametrize("ni", ["DA123456A", "FA123456A", "IA123456A", "QA123456A", "UA123456A", "VA123456A",
                                "AD123456A", "AO123456A", "AQ123456A", "BG123456A", "GB123456A", "KN123456A",
                                "NK123456A", "NT123456A", "TN123456A", "ZZ123456A", "AB123456E"])
def test_invalid_ni_prefixes_and_suffixes(ni):
    assert found(det.ni_numbers, f"ni {ni} ok") == []


# --- bank details and cards -------------------------------------------------------------

def test_sort_code_with_account_number():
    assert found(det.bank_details, "pay 12-34-56 / 12345678") == ["12-34-56"]
    assert found(det.bank_details, "12 34 56 then 12345678") == ["12 34 56"]
    assert found(det.bank_details, "Sort code: 123456") == ["Sort code: 123456"]
    assert found(det.bank_details, "account number 12345678") == ["account number 12345678"]
    assert found(det.bank_details, "IBAN GB29 NWBK 6016 1331 9268 19") == ["GB29 NWBK 6016 1331 9268 19"]


def test_a_bare_sort_code_shape_is_a_date():
    assert found(det.bank_details, "the 12-03-24 meeting") == []


def test_cards_are_graded_by_the_luhn_check_and_how_they_are_written():
    assert graded(det.cards, "card 4111 1111 1111 1111 ok") == [("4111 1111 1111 1111", det.HIGH)]
    assert graded(det.cards, "card 5500-0000-0000-0004 ok") == [("5500-0000-0000-0004", det.HIGH)]
    assert graded(det.cards, "amex 378282246310005 ok") == [("378282246310005", det.MEDIUM)]  # not grouped
    # grouped like a card but failing the check: kept low, so that card words must back it up
    assert graded(det.cards, "card 4111 1111 1111 1112 ok") == [("4111 1111 1111 1112", det.LOW)]
    assert found(det.cards, "ref 4111111111111112 ok") == []  # neither valid nor grouped
    assert found(det.cards, "phone 07911 123456 ok") == []


# --- vehicle registrations ----------------------------------------------------------------

@pytest.mark.parametrize("plate", ["AB12 CDE", "AB12CDE", "YK69 XYZ", "LN21 ABC", "A123 BCD", "P7 ABC",
                                   "ABC 123D", "XYZ 9T"])
def test_number_plates(plate):
    assert found(det.vehicle_regs, f"car {plate} seen") == [plate]


@pytest.mark.parametrize("text", ["the A14 at J28", "M25 J10 to J11", "B1115 and A1214", "A14 NOW OPEN",
                                  "J28 OFF SLIP", "ab12 cde", "A12 THE", "NHS 111A", "IP1 2BX", "COVID19"])
def test_not_number_plates(text):
    assert found(det.vehicle_regs, text) == []


# --- dates of birth -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["DOB 12/03/1985", "D.O.B: 12-03-85", "date of birth 3 March 1990",
                                  "born on 3rd March 1990", "born 1990-03-03", "birthday is March 3, 1990"])
def test_dates_of_birth(text):
    assert found(det.dates_of_birth, f"her {text} thanks")


def test_dates_alone_are_not_dates_of_birth():
    assert found(det.dates_of_birth, "the meeting on 12/03/2024, born in 1990") == []


# --- addresses --------------------------------------------------------------------------

@pytest.mark.parametrize("text,address", [
    ("lives at 14 Church Road, Bacton", "14 Church Road"),
    ("at 3a Mill Lane", "3a Mill Lane"),
    ("moved to 22 St Helens Street", "22 St Helens Street"),
    ("lives at 14 Church Road, Bacton IP14 4LJ", "14 Church Road, Bacton IP14 4LJ"),
    ("Flat 3, 22 Mill Lane", "22 Mill Lane"),
])
def test_addresses(text, address):
    assert found(det.addresses, text) == [address]


@pytest.mark.parametrize("text", [
    "Join us at Endeavour House, 8 Russell Road, Ipswich",
    "The event is at Christchurch Park on Saturday",
    "Ipswich Corn Exchange, King Street, Ipswich",
    "Meet at 10 Christchurch Park by the mansion",
    "The jobs fair is held at 15 Princes Street",
    "Top 10 Country Walks in Suffolk",
    "20 minutes drive from Ipswich",
    "it costs £12 Church Road",
])
def test_not_home_addresses(text):
    assert found(det.addresses, text, OWN) == []


def test_named_people_and_businesses_for_context():
    text = "Mr Jones of Jones Builders Ltd told @jsmith and John Smith about it in Suffolk County Council"
    names = found(det.named, text)
    assert "Mr Jones" in names and "Jones Builders Ltd" in names and "@jsmith" in names and "John Smith" in names
    assert "Suffolk County" not in names and "County Council" not in names


def test_own_index_normalises_the_organisation_file():
    assert OWN.domains == ("suffolk.gov.uk", "suffolkfire.gov.uk")
    assert OWN.phones == {"+441473260588", "+443456066067"}
    assert OWN.postcodes == {"IP12BX"}
