from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_scripts():
    """Starts what Wagtail starts with inline scripts, so that the admin's CSP allows none (admin-csp.js)."""
    return format_html('<script src="{}"></script>', static("js/admin-csp.js"))
