"""Fixtures the record sheet's tests share: alice (a cadre) logged in, and one of her units."""

import pytest

from tests.factories import GrassrootsUnionFactory, LiaisonAssignmentFactory


@pytest.fixture
def unit(alice):
    """One of alice's contact units this year."""
    union = GrassrootsUnionFactory(name="西城区某某商场工会")
    LiaisonAssignmentFactory(cadre=alice, union=union, year=2026)
    return union


@pytest.fixture
def as_alice(login, alice):
    return login(alice)
