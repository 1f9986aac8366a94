import threading

from server.config import CALLS_CAPACITY as calls_capacity

_slots = threading.BoundedSemaphore(calls_capacity)


def try_acquire_call_slot() -> bool:
    return _slots.acquire(blocking=False)


def release_call_slot() -> None:
    _slots.release()
