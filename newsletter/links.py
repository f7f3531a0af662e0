"""The addresses in the newsletter's e-mails: absolute, with the subscriber's key where one is needed."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args: object) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(name, args=args)


def confirm_url(key: str) -> str:
    return absolute_url("newsletter-confirm", key)


def unsubscribe_url(key: str) -> str:
    return absolute_url("newsletter-unsubscribe", key)


def issue_url(issue_id: int, language: str = "") -> str:
    """The issue's web version; its content in `language` when that is not Finnish (`?kieli=`)."""
    url = absolute_url("newsletter-issue", issue_id)
    return f"{url}?kieli={language}" if language and language != settings.LANGUAGE_CODE else url
