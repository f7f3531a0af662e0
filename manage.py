#!/usr/bin/env python
"""Django's command-line utility. A configuration error stops it with one line naming the variable."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads the settings module
    except ImproperlyConfigured as exc:
        sys.exit(f"Verkostamo cannot start: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
