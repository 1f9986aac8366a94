"""Routes WhatsApp traffic to the right shard; reads the base URL from config only."""
from server.config import BAILEYS_BASE_URL as BASE


def shard_url(shard_id: int) -> str:
    return f"{BASE}/shards/{shard_id}"
