"""Recorded Stripe test-mode payloads for the calls localstripe does not serve (Connect accounts,
account links, transfers, Checkout sessions), replayed by an HTTP client under the real stripe
SDK. Every other call goes on to localstripe over real HTTP.

The payloads follow the objects Stripe's API reference documents for test mode (livemode false,
API version 2025), trimmed to the fields Brugwerk reads plus their neighbours. Like Stripe, the
replayer answers a repeated idempotency key with the object it made the first time.
"""

import copy
import json
import re
import time
import urllib.parse

import stripe

ACCOUNT_ID = "acct_1QbrugwerkTest01"

ACCOUNT = {
    "id": ACCOUNT_ID,
    "object": "account",
    "business_type": None,
    "capabilities": {"transfers": "inactive"},
    "charges_enabled": False,
    "country": "NL",
    "created": 1733490000,
    "default_currency": "eur",
    "details_submitted": False,
    "email": None,
    "external_accounts": {
        "object": "list",
        "data": [],
        "has_more": False,
        "total_count": 0,
        "url": f"/v1/accounts/{ACCOUNT_ID}/external_accounts",
    },
    "livemode": False,
    "metadata": {},
    "payouts_enabled": False,
    "requirements": {
        "currently_due": ["external_account", "individual.first_name", "tos_acceptance.date"],
        "disabled_reason": "requirements.past_due",
    },
    "settings": {"payouts": {"schedule": {"interval": "manual"}}},
    "type": "express",
}

ACCOUNT_READY = {
    **ACCOUNT,
    "capabilities": {"transfers": "active"},
    "details_submitted": True,
    "payouts_enabled": True,
    "requirements": {"currently_due": [], "disabled_reason": None},
}

ACCOUNT_LINK = {
    "object": "account_link",
    "created": 1733490010,
    "expires_at": 1733490310,
    "url": "https://connect.stripe.com/setup/e/acct_1QbrugwerkTest01/Xz9brugwerkTestLink",
}

TRANSFER = {
    "id": "tr_1QbrugwerkTransfer",
    "object": "transfer",
    "amount": 10000,
    "amount_reversed": 0,
    "balance_transaction": "txn_1QbrugwerkTransfer",
    "created": 1733490100,
    "currency": "eur",
    "description": None,
    "destination": ACCOUNT_ID,
    "destination_payment": "py_1QbrugwerkTransfer",
    "livemode": False,
    "metadata": {},
    "reversals": {
        "object": "list",
        "data": [],
        "has_more": False,
        "total_count": 0,
        "url": "/v1/transfers/tr_1QbrugwerkTransfer/reversals",
    },
    "reversed": False,
    "source_transaction": None,
    "source_type": "card",
    "transfer_group": None,
}

CHECKOUT_SESSION = {
    "id": "cs_test_a1BrugwerkIdeal",
    "object": "checkout.session",
    "amount_subtotal": 10000,
    "amount_total": 10000,
    "cancel_url": None,
    "created": 1733490200,
    "currency": "eur",
    "expires_at": 1733576600,
    "livemode": False,
    "metadata": {},
    "mode": "payment",
    "payment_intent": None,
    "payment_method_types": ["ideal"],
    "payment_status": "unpaid",
    "status": "open",
    "success_url": None,
    "url": "https://checkout.stripe.com/c/pay/cs_test_a1BrugwerkIdeal#fidkdWxOYHwnPyd1blpxYHZxWjA0",
}


class ReplayingHttpClient(stripe.UrllibClient):
    """Serves recorded payloads for Connect and Checkout; everything else goes to localstripe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, str, dict, str | None]] = []
        self.by_idempotency_key: dict[str, dict] = {}
        self.account = copy.deepcopy(ACCOUNT)
        self.sessions: dict[str, dict] = {}
        # Payouts of connected accounts that Stripe reports as arrived (payout.paid).
        self.paid_payouts: dict[str, int] = {}

    def request(self, method, url, headers, post_data=None):
        path = urllib.parse.urlsplit(url).path
        params = urllib.parse.parse_qs(post_data or "") if isinstance(post_data, str) else {}
        flat = {k: v[0] for k, v in params.items()}
        key = headers.get("Idempotency-Key")
        payload = self._recorded(method, path, flat)
        if payload is None:
            return super().request(method, url, headers, post_data)
        self.calls.append((method, path, flat, key))
        if key and method == "post":
            payload = self.by_idempotency_key.setdefault(key, payload)
        return json.dumps(payload), 200, {"Request-Id": "req_replayed"}

    def _recorded(self, method, path, params):
        if method == "post" and path == "/v1/accounts":
            return {**self.account, "email": params.get("email")}
        if method == "get" and re.fullmatch(r"/v1/accounts/acct_\w+", path):
            return self.account
        if method == "post" and path == "/v1/account_links":
            return dict(ACCOUNT_LINK)
        if method == "post" and path == "/v1/transfers":
            return {
                **TRANSFER,
                "id": f"tr_1Qbrugwerk{len(self.calls):06d}",
                "amount": int(params["amount"]),
                "destination": params["destination"],
                "transfer_group": params.get("transfer_group"),
                "metadata": _metadata(params),
                "created": int(time.time()),
            }
        if method == "post" and path == "/v1/checkout/sessions":
            session = {
                **CHECKOUT_SESSION,
                "id": f"cs_test_a1Brugwerk{len(self.sessions):04d}",
                "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
                "success_url": params["success_url"],
                "cancel_url": params["cancel_url"],
                "metadata": _metadata(params),
            }
            self.sessions[session["id"]] = session
            return session
        match = re.fullmatch(r"/v1/payouts/(po_\w+)", path)
        if method == "get" and match and match.group(1) in self.paid_payouts:
            return {
                "id": match.group(1),
                "object": "payout",
                "amount": self.paid_payouts[match.group(1)],
                "arrival_date": int(time.time()),
                "automatic": False,
                "currency": "eur",
                "failure_code": None,
                "failure_message": None,
                "livemode": False,
                "method": "standard",
                "status": "paid",
                "type": "bank_account",
            }
        match = re.fullmatch(r"/v1/checkout/sessions/(cs_\w+)", path)
        if method == "get" and match:
            return self.sessions[match.group(1)]
        return None


def _metadata(params: dict) -> dict:
    return {
        k[len("metadata[") : -1]: v
        for k, v in params.items()
        if k.startswith("metadata[") and k.endswith("]")
    }
