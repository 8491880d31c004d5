"""The Redis cache backend the site uses when CACHE_URL is a redis:// URL."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from marketplace.cache import RedisCache

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs Redis (CELERY_BROKER_URL)")


def test_the_redis_cache_stores_reads_and_deletes_with_one_client_per_pool():
    url = BROKER.rsplit("/", 1)[0] + "/14"
    cache = RedisCache(url, {})
    cache.clear()

    cache.set_many({"a": 1, "b": {"x": [1, 2]}}, 60)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": {"x": [1, 2]}}
    cache.delete_many(["a"])
    assert cache.get("a") is None and cache.get("b") == {"x": [1, 2]}

    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client  # Django's own builds one per call
    assert DjangoRedisCache(url, {})._cache.get_client(write=True) is not DjangoRedisCache(url, {})._cache.get_client(write=True)
    cache.clear()
