"""Configuration: the single source of truth for service URLs."""
import os

BAILEYS_BASE_URL = os.environ.get("BAILEYS_URL", "http://baileys:3000")
CALLS_CAPACITY = int(os.environ.get("CALLS_CAPACITY", "20"))
