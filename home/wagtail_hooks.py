from django.utils import translation
from wagtail import hooks


@hooks.register("before_serve_page")
def remember_the_served_page(page, request, serve_args, serve_kwargs):
    """base.html's language switcher, alternates and notice are for the page Wagtail serves (not for a page that a
    member space's view happens to have in its context): request.public_page. A page served in another language
    than its own (a Finnish page under /sv/, home.views.serve) is request.untranslated_page."""
    request.public_page = page
    request.untranslated_page = page.locale.language_code != translation.get_language()
