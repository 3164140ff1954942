import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Each test starts with no requests counted against its client (the test client's
    address is always 127.0.0.1)."""
    cache.clear()
    yield
    cache.clear()
