"""Generation keys for cached page parts (docs/decisions/0001-cadre-home-cache.md).

A cached part's key holds the generations of what it shows; a service that changes that data
bumps them once its transaction commits, and every part cached under the old ones is never read
again (it expires after its timeout). The generations live in the shared cache (`CACHES`), so a
bump by one process is seen by all of them.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

# What every home shows: the working-day calendar (the pace), names of unions and departments.
EVERYONE = "gen:everyone"
# The organization department's federation-wide figures: any cadre's change moves them.
FEDERATION = "gen:federation"


def cadre_key(cadre_id: int) -> str:
    return f"gen:cadre:{cadre_id}"


def department_key(department_id: int) -> str:
    return f"gen:department:{department_id}"


def inbox_key(user_id: int) -> str:
    """A user's notifications: the bell's unread count."""
    return f"gen:inbox:{user_id}"


def _new() -> int:
    # Random, not a counter: a generation bumped (deleted) or evicted and made again never
    # matches a part cached under the one before.
    return secrets.randbits(48)


def generations(keys: list[str]) -> str:
    """The current generations of `keys`, joined into one string for a part's key."""
    return current(keys)[0]


def current(keys: list[str]) -> tuple[str, bool]:
    """`generations(keys)`, and whether one of them is new (made here: nothing can be cached
    under it yet). One cache read; a generation not in the cache yet is added first."""
    found, made = read(keys)
    return joined(found, keys), bool(made)


def joined(found: dict[str, int], keys: list[str]) -> str:
    """The generations of `keys` among those `read` found, as one string for a part's key."""
    return "-".join(str(found[key]) for key in keys)


def read(keys: list[str]) -> tuple[dict[str, int], set[str]]:
    """The current generation of each of `keys`, and those of them made here. One cache read;
    a generation not in the cache yet is added first."""
    found = cache.get_many(keys)
    made = set()
    for key in keys:
        if key not in found:
            # add, not set: another process may have made it meanwhile, and cached under it;
            # read back only then.
            generation = _new()
            if cache.add(key, generation, timeout=None):
                found[key] = generation
                made.add(key)
            else:
                found[key] = cache.get(key)
    return found, made


def bump(keys: list[str]) -> None:
    """New generations for `keys` once the current transaction commits (at once outside one):
    a request reading before the commit would otherwise cache the old data under the new
    generation. The generations are deleted, and the next reader makes new ones: one statement
    with the database cache, where setting them costs several per key. robust: a cache error
    never stops the transaction's other callbacks; the parts then expire after their timeout."""
    keys = list(dict.fromkeys(keys))
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def cadres_changed(*cadres) -> None:
    """The cadres' own data changed (sheets, problems raised, contact points): their homes,
    their departments' and the federation's figures."""
    bump(
        [cadre_key(cadre.pk) for cadre in cadres]
        + [department_key(cadre.department_id) for cadre in cadres]
        + [FEDERATION]
    )


def departments_changed(*department_ids: int) -> None:
    """What a department head sees of their department changed (a problem transferred to it)."""
    bump([department_key(pk) for pk in department_ids if pk is not None] + [FEDERATION])


def inboxes_changed(*user_ids: int) -> None:
    """Notifications were written for these users, or read by them."""
    bump([inbox_key(pk) for pk in user_ids])


def everyone_changed() -> None:
    """Data every home shows changed (a working-day calendar override)."""
    bump([EVERYONE])
