"""Passwords (argon2id) and the rules for emails, passwords and display names."""

from __future__ import annotations

import asyncio
import re
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane (about
# 30 ms here). Hashes made with other parameters are upgraded at the next sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)

MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_EMAIL = 254
MAX_NAME = 80
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_COMMON = frozenset(
    {
        "password123",
        "1234567890",
        "123456789a",
        "qwertyuiop",
        "password1234",
        "iloveyou123",
        "letmein1234",
        "welcome123",
        "abcdefghij",
        "0987654321",
    }
)

# Verifying against this makes a sign-in for an unknown email take as long as a real one.
_DUMMY_HASH = HASHER.hash("not anyone's password")


def normalise_email(raw: str) -> str:
    """One spelling per address: trimmed, NFKC, lower case (as every mail provider treats it)."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def email_problem(email: str) -> str | None:
    if len(email) > MAX_EMAIL:
        return f"email must be at most {MAX_EMAIL} characters"
    if not _EMAIL.match(email):
        return "email must be an address like name@example.org"
    return None


def password_problem(password: str, email: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"password must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"password must be at most {MAX_PASSWORD} characters"
    if len(set(password)) < 4:
        return "password must use at least 4 different characters"
    if password.lower() in _COMMON:
        return "password is too common; choose one nobody would guess"
    if email and email.split("@")[0] in password.lower() and len(email.split("@")[0]) >= 4:
        return "password must not contain your email address"
    return None


async def hash_password(password: str) -> str:
    # argon2 holds the CPU for tens of milliseconds: off the event loop.
    return await asyncio.to_thread(HASHER.hash, password)


async def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs a new hash); an absent hash still costs a verification."""

    def _verify() -> tuple[bool, bool]:
        try:
            HASHER.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False, False
        return password_hash is not None, HASHER.check_needs_rehash(password_hash or _DUMMY_HASH)

    return await asyncio.to_thread(_verify)
