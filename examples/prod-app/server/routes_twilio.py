"""Twilio voice webhooks. Every call holds one slot of calls_capacity until it ends."""
from server.calls import release_call_slot, try_acquire_call_slot
from server.config import CALLS_CAPACITY as calls_capacity

router = None  # built by the web framework in app_factory


def incoming_call(request):
    if not try_acquire_call_slot():
        return {"status": 503, "reason": f"all {calls_capacity} call slots busy"}
    return {"status": 200}


def call_ended(request):
    release_call_slot()
    return {"status": 204}
