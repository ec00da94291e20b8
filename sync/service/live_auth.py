"""Who may see the live view: a bearer token, or HTTP Basic against configured users.

The page shows customer data, so it is served only when `service.live_view_token` or
`service.live_view_users` is set. A browser asks for HTTP Basic (RFC 7617): a configured user
with their password, or any user name with the token as the password; scripts send
`Authorization: Bearer <token>` (RFC 6750). Passwords are kept as PBKDF2-SHA256 hashes; make
one with `python -m sync.service.live_auth NAME` (it asks for the password twice).
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import os
import sys
import threading
from collections.abc import Mapping

from pydantic import SecretStr

__all__ = ["LiveAuth", "hash_password", "verify_password"]

ALGORITHM = "pbkdf2_sha256"
# OWASP's current advice for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet).
ITERATIONS = 600_000
CHALLENGE = 'Basic realm="sla-sync live view", charset="UTF-8"'


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, iterations: int | None = None, salt: bytes | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<digest>` of a password (random 16-byte salt)."""
    iterations = iterations or ITERATIONS
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` is the one `encoded` was made from (constant-time comparison)."""
    try:
        algorithm, iterations, salt, digest = encoded.split("$")
        expected = _unb64(digest)
        salt_bytes = _unb64(salt)
        rounds = int(iterations)
    except (ValueError, binascii.Error):
        return False
    if algorithm != ALGORITHM or rounds < 1:
        return False
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), salt_bytes, rounds)
    return hmac.compare_digest(got, expected)


class LiveAuth:
    """Checks an `Authorization` header against the configured token and users."""

    def __init__(self, token: SecretStr | None, users: Mapping[str, SecretStr]) -> None:
        self._token = token.get_secret_value().encode() if token else None
        self._users = {name: h.get_secret_value() for name, h in users.items()}
        # A page reloads every minute: remember answers (by a digest of the credentials, never
        # the password) instead of paying the hash again; wrong ones too, so retrying one
        # wrong password costs nothing either.
        self._seen: dict[bytes, bool] = {}
        self._lock = threading.Lock()

    @property
    def on(self) -> bool:
        """Whether any credential is configured (otherwise the view is not served at all)."""
        return self._token is not None or bool(self._users)

    def allowed(self, header: str) -> bool:
        """Whether the `Authorization` header value grants access."""
        scheme, _, value = header.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "bearer" and self._token is not None:
            return hmac.compare_digest(value.encode(), self._token)
        if scheme != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if not sep:
            return False
        if self._token is not None and hmac.compare_digest(password.encode(), self._token):
            return True
        encoded = self._users.get(user)
        if encoded is None:
            return False
        seen = hashlib.sha256(f"{user}\0{password}\0{encoded}".encode()).digest()
        with self._lock:
            known = self._seen.get(seen)
        if known is None:
            known = verify_password(password, encoded)
            with self._lock:
                if len(self._seen) > 1000:
                    self._seen.clear()
                self._seen[seen] = known
        return known


def main(argv: list[str] | None = None) -> int:
    """Print `NAME: <hash>` for `service.live_view_users`, asking for the password twice."""
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else input("user name: ").strip()
    if not name or ":" in name:
        print("a user name without ':' is needed", file=sys.stderr)
        return 2
    password = getpass.getpass(f"password for {name}: ")
    if len(password) < 8 or password != getpass.getpass("again: "):
        print("the passwords differ, or are shorter than 8 characters", file=sys.stderr)
        return 2
    print(f"{name}: {hash_password(password)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
