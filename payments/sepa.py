"""SEPA credit-transfer batch files (pain.001.001.09, structured addresses) for partner payouts.

Made with `sepaxml` and validated against the schema shipped in payments/schemas/, so a file the
bank would reject never leaves Brugwerk.
"""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from sepaxml import SepaTransfer

from marketplace.money import ZERO
from payments import gateway

SCHEMA = "pain.001.001.09"
SCHEMA_PATH = Path(__file__).parent / "schemas" / f"{SCHEMA}.xsd"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"


class SepaFileInvalid(Exception):
    pass


def validate(xml: str | bytes) -> None:
    """Raise SepaFileInvalid unless `xml` is valid against the shipped pain.001.001.09 schema."""
    import xmlschema  # imported late: it patches ElementTree when imported

    schema = xmlschema.XMLSchema(str(SCHEMA_PATH))
    errors = list(schema.iter_errors(xml.decode() if isinstance(xml, bytes) else xml))
    if errors:
        raise SepaFileInvalid(str(errors[0]))


def split_street(street: str) -> tuple[str, str]:
    """'Hoofdstraat 12 A' → ('Hoofdstraat', '12 A'): banks want street and number apart."""
    match = re.match(r"^(.*?)[\s,]+(\d+\s*[\w-]*)$", street.strip())
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return street.strip(), ""


def _address(account, partner) -> dict:
    if account is not None and account.town:
        street, number = account.street_name, account.building_number
        postcode, town, country = account.postcode, account.town, account.country
    else:
        street, number = split_street(partner.street)
        postcode, town, country = partner.postcode, partner.city, "NL"
    address = {
        "street_name": street[:70],
        "building_number": number[:16],
        "postcode": postcode[:16],
        "town": (town or "onbekend")[:35],
        "country": country or "NL",
    }
    return {k: v for k, v in address.items() if v}


def build_credit_transfer(ready, *, execution_date: date) -> tuple[str, str, Decimal]:
    """`ready`: (payout, payout account or None, IBAN) triples. Returns (xml, message id, sum)."""
    config = {
        "name": settings.PLATFORM_SEPA_NAME,
        "IBAN": settings.PLATFORM_SEPA_IBAN,
        "BIC": settings.PLATFORM_SEPA_BIC,
        "batch": True,
        "currency": "EUR",
        "address": {
            "town": settings.PLATFORM_SEPA_TOWN,
            "country": settings.PLATFORM_SEPA_COUNTRY,
        },
    }
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    total = ZERO
    for payout, account, iban in ready:
        partner = payout.partner
        name = (account.holder if account and account.holder else "") or (
            partner.account_holder or partner.display_name
        )
        payment = {
            "name": name,
            "IBAN": iban.replace(" ", "").upper(),
            "amount": gateway.cents(payout.amount),
            "execution_date": execution_date,
            "description": f"Brugwerk {payout.document.number}"[:140],
            "endtoend_id": f"BRUGWERK-PAYOUT-{payout.pk}"[:35],
            "address": _address(account, partner),
        }
        if account is not None and account.bic:
            payment["BIC"] = account.bic
        transfer.add_payment(payment)
        total += payout.amount
    xml = transfer.export(validate=False)
    validate(xml)
    return xml.decode(), transfer.msg_id, total


def summary(xml: str) -> tuple[int, Decimal]:
    """The file's own count and control sum (group header), e.g. for checks and display."""
    root = ET.fromstring(xml)  # noqa: S314 - our own generated file, not outside input
    header = root.find(f"{{{NAMESPACE}}}CstmrCdtTrfInitn/{{{NAMESPACE}}}GrpHdr")
    count = int(header.find(f"{{{NAMESPACE}}}NbOfTxs").text)
    control_sum = Decimal(header.find(f"{{{NAMESPACE}}}CtrlSum").text)
    return count, control_sum
