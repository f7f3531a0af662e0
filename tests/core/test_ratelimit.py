"""The shared rate limiter: a sliding window per key, and a refusal that says when to try again."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from core.ratelimit import RateLimit, RateLimited, cooldown, retry_after_text


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_the_limit_refuses_the_attempt_after_the_last_allowed_and_counts_keys_apart(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("core.ratelimit.time.time", lambda: now[0])
    limit = RateLimit("test", limit=2, window=60)
    limit.hit(1)
    now[0] += 10
    limit.hit(1)
    limit.hit(2)  # another key has its own window
    with pytest.raises(RateLimited) as refused:
        limit.hit(1, reason="Liian monta.")
    assert refused.value.retry_after == 50  # the first attempt leaves the window at 1060
    assert str(refused.value) == "Liian monta. Yritä uudelleen 50 sekunnin kuluttua."
    now[0] = 1060.5  # the window slides: the first attempt no longer counts
    limit.hit(1)


def test_a_refused_attempt_is_not_counted(monkeypatch):
    now = [0.0]
    monkeypatch.setattr("core.ratelimit.time.time", lambda: now[0])
    limit = RateLimit("test", limit=1, window=10)
    limit.hit("a")
    for _attempt in range(5):
        now[0] += 1
        with pytest.raises(RateLimited):
            limit.hit("a")
    now[0] = 10.5
    limit.hit("a")


@pytest.mark.parametrize(
    ("seconds", "finnish", "english"),
    [
        (1, "Yritä uudelleen 1 sekunnin kuluttua.", "Try again in 1 second."),
        (89, "Yritä uudelleen 89 sekunnin kuluttua.", "Try again in 89 seconds."),
        (90, "Yritä uudelleen 2 minuutin kuluttua.", "Try again in 2 minutes."),
        (3600, "Yritä uudelleen 60 minuutin kuluttua.", "Try again in 60 minutes."),
        (6 * 3600, "Yritä uudelleen 6 tunnin kuluttua.", "Try again in 6 hours."),
        (30 * 86400, "Yritä uudelleen 30 päivän kuluttua.", "Try again in 30 days."),
    ],
)
def test_when_to_try_again_is_said_in_the_largest_sensible_unit(seconds, finnish, english):
    assert retry_after_text(seconds) == finnish
    with translation.override("en"):
        assert retry_after_text(seconds) == english


def test_a_cooldown_counts_from_the_last_time():
    now = timezone.now()
    cooldown(None, 3600, now)
    cooldown(now - timedelta(hours=2), 3600, now)
    with pytest.raises(RateLimited) as refused:
        cooldown(now - timedelta(minutes=45), 3600, now)
    assert refused.value.retry_after == 15 * 60
