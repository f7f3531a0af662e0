"""The Wagtail admin without inline scripts, so that its CSP (ADMIN_CONTENT_SECURITY_POLICY) allows none.

Wagtail 8 still starts a few widgets with an inline <script>: its date and time pickers and inline panels
(whose templates core/templates/wagtailadmin/ override) and every chooser widget outside a StreamField
(BaseChooser.render, replaced here). Each leaves a hidden marker instead that says what to start, with what
options; site/static/js/admin-csp.js starts the markers, also those that arrive later (a new inline form).
"""

import json

from django.utils.html import format_html
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def start_marker(start, target, options):
    return format_html(
        '<span hidden data-admin-start="{}" data-admin-target="{}" data-admin-options="{}"></span>',
        start,
        target,
        json.dumps(options),
    )


def render_chooser(self, name, value, attrs=None, renderer=None):
    """BaseChooser.render with a start marker where Wagtail writes `<script>new PageChooser(id, {…})</script>`."""
    id_ = attrs["id"]
    value_data = self.get_value_data(value)
    start = "createTaskChooser" if isinstance(self, AdminTaskChooser) else self.js_constructor
    options = self.get_js_init_options(id_, name, value_data)
    return format_html("{}{}", self.render_html(name, value_data, attrs), start_marker(start, id_, options))


def install():
    BaseChooser.render = render_chooser
