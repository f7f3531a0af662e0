from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def start_widgets_without_inline_scripts():
    """Starts what Wagtail starts with inline scripts, so that the admin's CSP allows none (admin-csp.js)."""
    return format_html('<script src="{}"></script>', static("js/admin-csp.js"))


@hooks.register("insert_global_admin_css")
def brand_colours():
    """Verkostamo's colours and logo size in the admin (site/static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
