"""Rate limits that say when to try again.

`RateLimit("room-create", limit=5, window=3600).hit(user.pk)` counts one attempt under that key and raises
`RateLimited` when the key has had `limit` attempts within the last `window` seconds. The window slides:
the times of recent attempts are kept in the shared cache (Redis in production), so a limit holds across
daphne processes. Two processes may both let one attempt slip through at the very limit; a limit protects
people, it is not an accounting.

Limits whose history is in the database anyway (invitations sent, a reminder's last sending, a declined
join request) are checked against the database instead and raise the same `RateLimited`, so that every
refusal reads alike: "… Yritä uudelleen 12 minuutin kuluttua."
"""

import math
import time
from dataclasses import dataclass
from datetime import datetime

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import ngettext

from .errors import ActionError


def retry_after_text(seconds: float) -> str:
    """ "Yritä uudelleen 40 sekunnin kuluttua." in the current language, in the largest sensible unit."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return ngettext(
            "Yritä uudelleen %(count)s sekunnin kuluttua.", "Yritä uudelleen %(count)s sekunnin kuluttua.", seconds
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return ngettext(
            "Yritä uudelleen %(count)s minuutin kuluttua.", "Yritä uudelleen %(count)s minuutin kuluttua.", minutes
        ) % {"count": minutes}
    hours = math.ceil(seconds / 3600)
    if hours < 48:
        return ngettext(
            "Yritä uudelleen %(count)s tunnin kuluttua.", "Yritä uudelleen %(count)s tunnin kuluttua.", hours
        ) % {"count": hours}
    days = math.ceil(seconds / 86400)
    return ngettext(
        "Yritä uudelleen %(count)s päivän kuluttua.", "Yritä uudelleen %(count)s päivän kuluttua.", days
    ) % {"count": days}


class RateLimited(ActionError):
    """Too many attempts: `reason` says what was refused, `retry_after` (seconds) when it may be tried again."""

    code = "rate_limited"

    def __init__(self, retry_after: float, reason: str | Promise | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        self.reason = reason
        retry = retry_after_text(self.retry_after)
        super().__init__(message=f"{reason} {retry}" if reason else retry)


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` attempts per key in any `window` seconds (a sliding window in the shared cache)."""

    name: str
    limit: int
    window: int

    def key(self, *parts: object) -> str:
        return ":".join(["rate", self.name, *map(str, parts)])

    def hit(self, *parts: object, reason: str | Promise | None = None) -> None:
        """Counts one attempt; raises RateLimited (and counts nothing) when the limit is reached."""
        key = self.key(*parts)
        now = time.time()
        recent = [moment for moment in cache.get(key, []) if moment > now - self.window]
        if len(recent) >= self.limit:
            raise RateLimited(recent[-self.limit] + self.window - now, reason)
        cache.set(key, [*recent, now][-self.limit :], timeout=self.window + 1)

    def reset(self, *parts: object) -> None:
        cache.delete(self.key(*parts))


def client_address(request: HttpRequest) -> str:
    """The address of the browser behind a request, to key a limit per client — as allauth's own rate limits see it:
    behind the reverse proxy (TRUSTED_PROXY_COUNT=1) the entry of X-Forwarded-For that nginx appended, else the peer
    address, so that a client cannot pick its own key by sending the header itself."""
    return get_adapter(request).get_client_ip(request) or ""


def cooldown(last: datetime | None, seconds: float, now: datetime, reason: str | Promise | None = None) -> None:
    """Raises RateLimited when `last` (a datetime, or None) was less than `seconds` before `now`."""
    if last is None:
        return
    remaining = (last - now).total_seconds() + seconds
    if remaining > 0:
        raise RateLimited(remaining, reason)
