"""The previewed-draft cache: bounded in entries, bytes and age, keyed per client, thread-safe."""
from __future__ import annotations

import threading

from jobloop.services.draft_cache import DraftCache, client_key, page_hash


def test_entries_are_found_by_client_url_and_hash_only():
    cache = DraftCache()
    cache.put("a", "https://x.test/1", "h1", "draft-1", "<p>1</p>")
    assert cache.get("a", "https://x.test/1", "h1").draft == "draft-1"
    assert cache.get("b", "https://x.test/1", "h1") is None  # another client's key
    assert cache.get("a", "https://x.test/2", "h1") is None
    assert cache.get("a", "https://x.test/1", "h2") is None


def test_bounded_by_count_bytes_and_age():
    now = [0.0]
    cache = DraftCache(max_entries=3, max_bytes=100, max_age=60, clock=lambda: now[0])
    for i in range(5):
        cache.put("c", f"u{i}", "h", i, "x" * 10)
    assert len(cache) == 3 and cache.get("c", "u0", "h") is None and cache.get("c", "u4", "h").draft == 4
    cache.put("c", "big", "h", "big", "y" * 95)  # pushes the others out to stay under 100 characters
    assert cache.get("c", "big", "h") is not None and len(cache) == 1
    cache.put("c", "huge", "h", "huge", "z" * 101)  # larger than the whole cache: not held
    assert cache.get("c", "huge", "h") is None
    now[0] += 61
    assert cache.get("c", "big", "h") is None and len(cache) == 0


def test_parallel_puts_and_gets_keep_the_bounds():
    cache = DraftCache(max_entries=10, max_bytes=10_000)

    def work(n):
        for i in range(300):
            cache.put(str(n), f"u{i}", "h", i, "x" * 50)
            cache.get(str(n), f"u{i}", "h")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 10 and cache._bytes == 500


def test_hash_and_client_key_shapes():
    assert page_hash("<p>é</p>") == page_hash("<p>é</p>") and len(page_hash("")) == 64
    assert client_key("Bearer a") != client_key("Bearer b") and len(client_key("")) == 32
