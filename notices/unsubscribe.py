"""One-step unsubscribe (RFC 8058) from the notice e-mails.

Every e-mail of notices.delivery and notices.digest carries `List-Unsubscribe: <…/ilmoitukset/peru/<token>/>` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`. The token is signed (django.core.signing, its own salt) and
names the person and one topic: a kind of notice, or "digest" for the digest itself. It is valid for
`TOKEN_MAX_AGE`.

- GET shows what the link would change and one button; it changes nothing (mail scanners open links).
- POST (CSRF-exempt: mail clients post `List-Unsubscribe=One-Click` with no cookies) sets only that topic to
  "never": for a kind, that kind's preference; for "digest", every kind the person now gets in the digest (the
  kinds that come at once stay as they are, and so do the settings they chose for later).
- A forged or expired token, a token of an account that no longer exists, or one of another person than the one
  signed in changes nothing and says so (status 400).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User

from .models import Delivery, Kind, Preference
from .preferences import preferences_of

SALT = "notices.unsubscribe"
TOKEN_MAX_AGE = timedelta(days=90)
DIGEST = "digest"
TOPICS = frozenset({*Kind.values, DIGEST})
DIGEST_LABEL = gettext_lazy("Ilmoitusten kooste")


def make_token(user_id: int, topic: str) -> str:
    if topic not in TOPICS:
        raise ValueError(f"Unknown topic {topic!r}.")
    return signing.TimestampSigner(salt=SALT).sign_object({"u": user_id, "k": topic})


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, topic) of a valid token, or None for a forged, malformed or expired one."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("u"), int) or value.get("k") not in TOPICS:
        return None
    return value["u"], value["k"]


def unsubscribe_url(user: User, topic: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse("notice-unsubscribe", args=[make_token(user.pk, topic)])


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers of one-click unsubscribe (RFC 8058) for the link `unsubscribe_url` gave."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class Links:
    """Each person's unsubscribe link of a topic, made once: the e-mail's footer and its header carry the same."""

    def __init__(self, topic: str):
        self.topic = topic
        self.urls: dict[int, str] = {}

    def url(self, user: User) -> str:
        if user.pk not in self.urls:
            self.urls[user.pk] = unsubscribe_url(user, self.topic)
        return self.urls[user.pk]

    def context(self, user: User) -> dict[str, str]:
        return {"unsubscribe_url": self.url(user)}

    def headers(self, user: User) -> dict[str, str]:
        return unsubscribe_headers(self.url(user))


def label(topic: str) -> str:
    return str(DIGEST_LABEL if topic == DIGEST else Kind(topic).label)


def kinds_of(user: User, topic: str) -> list[Kind]:
    """The kinds the topic's unsubscribe sets to never: the kind itself, or those now gathered into the digest."""
    if topic == DIGEST:
        return [kind for kind, delivery in preferences_of(user).items() if delivery == Delivery.DIGEST]
    return [Kind(topic)]


@transaction.atomic
def unsubscribe(user: User, topic: str) -> list[Kind]:
    """Sets the topic's kinds to never for the person; returns them."""
    kinds = kinds_of(user, topic)
    for kind in kinds:
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": Delivery.NEVER})
    return kinds


def refused(request, message: str):
    return render(request, "notices/unsubscribe.html", {"refusal": message}, status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    read = read_token(token)
    user = None
    if read is not None:
        user = User.objects.filter(pk=read[0], is_active=True, deleted__isnull=True).first()
    if read is None or user is None:
        return refused(
            request, _("Linkki on virheellinen tai vanhentunut, joten asetuksiasi ei muutettu. Voit muuttaa ne itse.")
        )
    topic = read[1]
    if request.user.is_authenticated and request.user.pk != user.pk:
        return refused(
            request,
            _(
                "Tämä linkki on lähetetty toiselle henkilölle, joten asetuksia ei muutettu. Omat ilmoitusasetuksesi "
                "voit muuttaa itse."
            ),
        )
    context = {"topic": topic, "label": label(topic), "token": token, "is_digest": topic == DIGEST}
    if request.method == "GET":
        return render(request, "notices/unsubscribe.html", {**context, "kinds": kinds_of(user, topic)})
    kinds = unsubscribe(user, topic)
    return render(request, "notices/unsubscribe.html", {**context, "kinds": kinds, "done": True})
