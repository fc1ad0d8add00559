"""The privacy guard: every kind of personal data is refused with a message that says what to
remove, and ordinary need descriptions pass."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from requests.privacy import Kind, find_personal_data, validate_no_personal_data

TODAY = date(2026, 11, 23)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in find_personal_data(text, today=TODAY)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ons kenmerk 123456782.", "123456782"),
        ("bsn 1234.56.782", "1234.56.782"),
        ("BSN: 123 456 782 bekend bij school", "123 456 782"),
        ("nummer 111222333 staat in het dossier", "111222333"),
        # After the keyword even a number that fails the 11-test is refused.
        ("burgerservicenummer 123456789", "123456789"),
    ],
)
def test_bsn_is_refused(text, found):
    assert kinds(text) == [(Kind.BSN, found)]


@pytest.mark.parametrize("number", ["123456789", "111222334", "987654320"])
def test_nine_digits_that_fail_the_eleven_test_pass_without_a_keyword(number):
    assert kinds(f"Projectnummer {number}") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mail naar moeder@example.com voor een afspraak.", "moeder@example.com"),
        ("contact: j.de.vries+school@gemeente.denhaag.nl", "j.de.vries+school@gemeente.denhaag.nl"),
        ("Adres: fatima_amrani@hotmail.nl.", "fatima_amrani@hotmail.nl"),
    ],
)
def test_email_is_refused(text, found):
    assert kinds(text) == [(Kind.EMAIL, found)]


@pytest.mark.parametrize(
    "phone",
    [
        "0612345678",
        "06-12345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 12345678",
        "0031 6 12345678",
        "0031612345678",
        "070-1234567",
        "070 123 4567",
        "(070) 123 45 67",
        "010-1234567",
        "015 2123456",
        "+32 2 123 45 67",
        "+44 20 7946 0958",
        "+90 532 123 45 67",
        "+249 912 345 678",
        "06–12345678",
    ],
)
def test_phone_numbers_are_refused(phone):
    assert kinds(f"Bel moeder op {phone} na vijven.") == [(Kind.PHONE, phone)]


def test_a_hash_sign_does_not_hide_a_phone_number():
    assert kinds("tel#0612345678") == [(Kind.PHONE, "0612345678")]


def test_a_bsn_after_an_ordinary_word_ending_in_eur_is_still_found():
    assert kinds("deur 123456782") == [(Kind.BSN, "123456782")]


def test_a_phone_number_followed_by_other_numbers_is_still_found():
    assert kinds("bel 06 1234 5678 20 keer") == [(Kind.PHONE, "06 1234 5678")]


@pytest.mark.parametrize(
    "iban",
    [
        "NL91 ABNA 0417 1643 00",
        "NL91ABNA0417164300",
        "nl91abna0417164300",
        "DE89 3704 0044 0532 0130 00",
        "BE71 0961 2345 6769",
        "GB82 WEST 1234 5698 7654 32",
        "TR33 0006 1005 1978 6457 8413 26",
    ],
)
def test_iban_is_refused(iban):
    assert kinds(f"Vergoeding naar {iban} graag.") == [(Kind.IBAN, iban)]


def test_an_invalid_iban_shape_is_not_reported_as_one():
    assert Kind.IBAN not in {f.kind for f in find_personal_data("NL91 ABNA 0417 1643 01")}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Het gezin woont op 2525 AB 12.", "2525 AB 12"),
        ("woont op 2525AB 12", "2525AB 12"),
        ("2526JV 12a", "2526JV 12a"),
        ("Hobbemastraat 12, 2526 JV Den Haag", "Hobbemastraat 12, 2526 JV"),
        ("adres Paul Krugerlaan 80 2571 JG", "Krugerlaan 80 2571 JG"),
        ("2525 AB, nr. 7", "2525 AB, nr. 7"),
    ],
)
def test_full_postcode_with_house_number_is_refused_as_an_address(text, found):
    assert kinds(text) == [(Kind.ADDRESS, found)]


def test_a_street_and_house_number_is_an_address():
    assert kinds("Het gezin woont aan de Hobbemastraat 12 sinds kort.") == [
        (Kind.ADDRESS, "Hobbemastraat 12")
    ]


def test_a_full_postcode_alone_is_refused_as_too_precise():
    assert kinds("Gezin in 2526 JV.") == [(Kind.POSTCODE, "2526 JV")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Zoon, geboren 12-03-2015, zit in groep 6.", "12-03-2015"),
        ("geb. 12/03/2015", "12/03/2015"),
        ("geb. 12.03.15", "12.03.15"),
        ("geboortedatum: 2015-03-12", "2015-03-12"),
        ("Geboren op 12 maart 2015", "12 maart 2015"),
        ("born 3 March 2015", "3 March 2015"),
        ("Date of birth: March 3, 2015", "March 3, 2015"),
        ("DOB 3rd March 2015", "3rd March 2015"),
        # A keyword makes even a future-looking date a date of birth.
        ("geboren (uitgerekend) 1 juni 2027", "1 juni 2027"),
    ],
)
def test_date_of_birth_after_a_keyword_is_refused(text, found):
    assert kinds(text) == [(Kind.DATE_OF_BIRTH, found)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Dochter (3-1-2019) heeft een diagnose.", "3-1-2019"),
        ("Sinds 12 mrt. 2015 in Nederland.", "12 mrt. 2015"),
        ("op 2024-09-01 verhuisd", "2024-09-01"),
        ("Op 22 november 2026 was er een incident.", "22 november 2026"),
    ],
)
def test_a_full_date_in_the_past_is_refused(text, found):
    assert kinds(text) == [(Kind.PAST_DATE, found)]


def test_every_finding_is_listed_in_order_of_appearance():
    text = "Moeder (06-12345678, m@example.org) woont op 2525 AB 12, BSN 123456782."

    assert [kind for kind, _ in kinds(text)] == [
        Kind.PHONE,
        Kind.EMAIL,
        Kind.ADDRESS,
        Kind.BSN,
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Budget € 1.250,00 voor 20 uur.",
        "Het budget is €1250 en maximaal 40 uur.",
        "We zoeken iemand voor 2 keer per week 1,5 uur.",
        "Sinds 2015 in Nederland; in 2019 naar Den Haag verhuisd.",
        "Gezinnen in postcode 2525 en 2526 (Schilderswijk).",
        "Moeder van 3 kinderen, 8 en 12 jaar oud.",
        "Jongeren van 12-15 jaar en hun ouders.",
        "Bijeenkomsten van 09.30 tot 14.30 uur, of 19:00-21:00.",
        "Start op 12 maart 2027, einde 30-06-2027.",
        "Tussen 1-3-2027 en 2027-06-30 drie sessies.",
        "Veilig Thuis (0800-2000) is al betrokken.",
        "Ongeveer 100-150 gezinnen per jaar bereikt de moedergroep.",
        "Score 10/10 bij de evaluatie; 3/4 van de ouders kwam terug.",
        "Groep van 8 tot 12 ouders op 2, 9 en 16 maart.",
        "Bijeenkomst in het Zuiderpark 3 uur per week.",
        "Laan van Meerdervoort is een lange straat.",
        "Een subsidie van € 123.456.782 is wel erg veel.",
        "Versie 2.5.1 van het formulier.",
        "Kosten: 12,50 per uur, 25 uur in totaal = 312,50.",
        "Inloop op dinsdag, 2e verdieping, lokaal 3.12.",
        "",
    ],
)
def test_ordinary_text_passes(text):
    assert kinds(text) == []


REALISTIC_NEEDS = [
    "Een groep van zes Eritrese moeders wil weten wat het jeugdteam wel en niet doet. Er leeft "
    "angst dat hulp vragen leidt tot uithuisplaatsing. We zoeken iemand die in het Tigrinya drie "
    "bijeenkomsten van twee uur begeleidt, samen met onze gezinsvertegenwoordiger.",
    "Ouders met pubers van 12 tot 16 jaar vinden de weg naar opvoedondersteuning niet. We zoeken "
    "een sleutelpersoon die in het Darija vertrouwen opbouwt en meegaat naar een eerste gesprek "
    "op het kantoor aan de Hoefkade.",
    "Poolse gezinnen in Transvaal (postcode 2572) zijn moeilijk te bereiken. Op zaterdagen "
    "gesprekken bij de winkel, ongeveer 30 uur verdeeld over 16 weken; budget € 1.350,00.",
    "Bij gesprekken tussen ouders en de ambulant hulpverlener is een informele tolk nodig die ook "
    "de culturele context kan toelichten. Dari vereist, Pasjtoe is een pré. Start in week 12.",
    "Een opvoedondersteuningsgroep van acht bijeenkomsten voor moeders die sinds 2022 in Den Haag "
    "wonen: spanning in het gezin, school en veerkracht van kinderen (4-12 jaar).",
    "A theme session in Arabic about how youth care works in the Netherlands, for about 15 "
    "parents, 2 hours, in the community centre.",
]


@pytest.mark.parametrize("text", REALISTIC_NEEDS)
def test_realistic_need_descriptions_pass(text):
    validate_no_personal_data(text)


def test_validator_message_says_exactly_what_to_remove_and_why():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("Bel 06-12345678 of mail m@example.org")

    assert caught.value.messages == [
        "Remove “06-12345678” (a phone number): a request describes a need, never a person.",
        "Remove “m@example.org” (an e-mail address): a request describes a need, never a person.",
    ]
    assert {error.code for error in caught.value.error_list} == {"personal_data"}


def test_validator_reports_the_same_text_once():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("06-12345678 … nogmaals 06-12345678")

    assert len(caught.value.messages) == 1


def test_validator_message_is_translated(settings):
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        validate_no_personal_data("BSN 123456782")

    assert "123456782" in caught.value.messages[0]


@pytest.mark.parametrize(
    "text",
    ["06 " * 1700, "+3 " * 1700, "(0)" * 1700, "a" * 5000 + "@", "1-" * 2500, "NL91 " * 1000],
    ids=["phones", "plus", "trunk", "email", "dashes", "iban"],
)
def test_long_adversarial_text_is_checked_quickly(text):
    import time

    started = time.perf_counter()
    find_personal_data(text[:5000], today=TODAY)

    assert time.perf_counter() - started < 2
