# Schemathesis hooks: signs every request with a TaskCluster-style Hawk header.
#
# Loaded by test/fuzz/hooks.py (SCHEMATHESIS_HOOKS of run-fuzz.ts). Credentials come from
# FUZZ_HAWK_CLIENT_ID and FUZZ_HAWK_ACCESS_TOKEN; without them nothing is registered and
# requests go out unsigned (the anonymous run).
#
# The header is computed from the prepared request (a `requests` auth object), so the MAC
# covers the path and query exactly as they go on the wire, after schemathesis and requests
# have percent-encoded the generated values. Schemathesis applies it only to requests it
# means to authenticate: probes that remove or forge credentials (ignored_auth) and
# negative cases of the Authorization header itself go out without it.
#
# Hawk as TaskCluster clients use it: SHA-256, no payload hash, no ext, so the normalized
# string is
#   hawk.1.header\n{ts}\n{nonce}\n{METHOD}\n{path?query}\n{host}\n{port}\n{hash}\n{ext}\n
# with empty hash and ext lines.
import base64
import hashlib
import hmac
import os
import secrets
import time
from urllib.parse import urlsplit

import requests
import schemathesis

CLIENT_ID_ENV = "FUZZ_HAWK_CLIENT_ID"
ACCESS_TOKEN_ENV = "FUZZ_HAWK_ACCESS_TOKEN"

DEFAULT_PORTS = {"http": 80, "https": 443}


def hawk_header(client_id, access_token, method, url, ts=None, nonce=None):
    """The Authorization header value for one request; `ts` in seconds, `nonce` any short string."""
    parts = urlsplit(url)
    resource = parts.path or "/"
    if parts.query:
        resource += "?" + parts.query
    host = parts.hostname or ""
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    ts = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_urlsafe(6)
    normalized = f"hawk.1.header\n{ts}\n{nonce}\n{method.upper()}\n{resource}\n{host}\n{port}\n\n\n"
    digest = hmac.new(access_token.encode("utf-8"), normalized.encode("utf-8"), hashlib.sha256).digest()
    mac = base64.b64encode(digest).decode("ascii")
    return f'Hawk id="{client_id}", ts="{ts}", nonce="{nonce}", mac="{mac}"'


class HawkAuth(requests.auth.AuthBase):
    """Signs a prepared request; a fresh timestamp and nonce each time, so retries are not replays."""

    def __init__(self, client_id, access_token):
        self.client_id = client_id
        self.access_token = access_token

    def __call__(self, request):
        request.headers["Authorization"] = hawk_header(self.client_id, self.access_token, request.method, request.url)
        return request


_client_id = os.environ.get(CLIENT_ID_ENV)
_access_token = os.environ.get(ACCESS_TOKEN_ENV)
if _client_id and _access_token:
    schemathesis.auth.set_from_requests(HawkAuth(_client_id, _access_token))
