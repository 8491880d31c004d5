"""The no-op task the notification task is compared with."""

import os

import redis
from celery import shared_task

_counter = None


def _redis():
    global _counter
    if _counter is None:
        _counter = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    return _counter


@shared_task(name="bench.noop", acks_late=True)
def noop(*, key: str, **kwargs):
    """Does nothing but count itself (one Redis INCR) so the bench sees it done."""
    _redis().incr(key)
