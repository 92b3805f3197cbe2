"""The worker's receipt: a short code given once after an opinion is left, with which the
worker later reads the opinion's status and the answer, and rates it (/u/<token>/r/<code>/).

The code is 16 characters of Crockford's base32 (80 random bits from `secrets`), written in
four groups, `7KQ2-M9XD-4HVA-3RTC`: no I, L, O or U, so it reads aloud and types without
doubt; typed in any case, with or without dashes and spaces, I and L read as 1 and O as 0.
The database keeps only a keyed hash of it (HMAC-SHA256 with the SECRET_KEY, as the sender's
address): who reads the database cannot open anyone's receipt.

A wrong code and an unknown one are the same 404 (the hash is computed and looked up either
way). Misses are counted per sender address, as the public form counts opinions: over
settings.RECEIPT_RATE_LIMIT misses within settings.OPINION_RATE_WINDOW, the address gets 429
for every code until the window ends, so guessing gets no answer at all.
"""

import secrets

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac

from liaison.models import Opinion

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
CODE_LENGTH = 16  # 16 × 5 bits = 80 random bits
GROUP = 4
# What people type for what they mean (Crockford): I and L are 1, O is 0.
READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
SEPARATORS = str.maketrans("", "", " -_\u3000")


def receipt_code() -> str:
    """A new code, grouped for reading: `7KQ2-M9XD-4HVA-3RTC`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return grouped(raw)


def grouped(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalized(typed: str) -> str:
    """The code as typed, in its canonical form (no separators, upper case, I/L/O read as
    digits). Not checked: a malformed code is simply one no opinion has."""
    return typed.upper().translate(SEPARATORS).translate(READ_AS)


def receipt_hash(code: str) -> str:
    """The keyed hash stored for a code (typed in any of its accepted forms)."""
    return salted_hmac("liaison.opinion.receipt", normalized(code), algorithm="sha256").hexdigest()


def opinion_for_receipt(code: str) -> Opinion | None:
    """The opinion of this receipt code, or None: one indexed lookup whatever the code is."""
    return (
        Opinion.objects.select_related("union", "problem")
        .filter(receipt_hash=receipt_hash(code))
        .first()
    )


def _miss_key(address_hash: str) -> str:
    return f"receipt-misses:{address_hash}"


def _cache():
    return caches[settings.RECEIPT_RATE_CACHE_ALIAS]


def receipt_rate_limited(address_hash: str) -> bool:
    """Whether the address has used up its misses for now."""
    return (_cache().get(_miss_key(address_hash)) or 0) >= settings.RECEIPT_RATE_LIMIT


def receipt_miss(address_hash: str) -> None:
    """Count a code that found nothing. The window starts with the first miss."""
    cache, key = _cache(), _miss_key(address_hash)
    if not cache.add(key, 1, timeout=settings.OPINION_RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls: this miss starts a new window
            cache.add(key, 1, timeout=settings.OPINION_RATE_WINDOW)
