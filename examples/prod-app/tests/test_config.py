# Tests may name the variable directly: the SSOT gate leaves tests/ alone.
from server.config import BAILEYS_BASE_URL


def test_default_url():
    assert BAILEYS_BASE_URL.startswith("http")
