"""Run localstripe's aiohttp app on 127.0.0.1 only (its own CLI binds every interface).

Usage: python tests/localstripe_server.py PORT
"""

import sys

from aiohttp import web
from localstripe.resources import store
from localstripe.server import app

if __name__ == "__main__":
    store.dump_to_disk = lambda: None  # keep state in memory: each test server starts clean
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
