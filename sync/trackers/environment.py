"""Read the proxy and CA-bundle environment once per tracker session, not once per request.

With `trust_env` on, `requests` re-reads the environment on every request
(`Session.merge_environment_settings`: proxies, `NO_PROXY`, `REQUESTS_CA_BUNDLE`, .netrc):
14 % of sla-sync's CPU in a 50 000-issue pass (docs/performance.md). Every request of a
tracker session goes to one host, so the answer is the same each time: this asks once and
switches the re-reading off. The environment is honoured as before — `HTTP(S)_PROXY`,
`ALL_PROXY`, `NO_PROXY` for the tracker's host, and `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE`
while certificates are checked. One thing changes on purpose: a `~/.netrc` entry for the
tracker's host is no longer sent as credentials; the settings name the account.
"""

from __future__ import annotations

import os

import requests
from requests.utils import get_environ_proxies

__all__ = ["pin_environment"]


def pin_environment(session: requests.Session, url: str) -> requests.Session:
    """Fix `session`'s proxies and CA bundle from the environment for `url`'s host."""
    if not session.trust_env:
        return session
    for scheme, proxy in get_environ_proxies(url).items():
        session.proxies.setdefault(scheme, proxy)
    if session.verify is True:
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
    session.trust_env = False
    return session
