"""Brugwerk's `requests/` app shadows the PyPI library `requests` in every process run from the
repository root. Libraries that probe for that library with `try: import requests` find our app
instead. This module, imported first by the `marketplace` package, tells the ones we use that the
library is absent, so they take their other code paths:

- DRF's optional `RequestsClient` (rest_framework.compat.requests) is switched off;
- geopy and stripe are never left to pick a client: see geo.geocoders and payments' gateway,
  which pass urllib-based HTTP clients explicitly (tests/test_http_clients.py proves both work).
"""

import rest_framework.compat

rest_framework.compat.requests = None
