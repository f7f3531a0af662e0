"""The public Tori's views: the index's filtered list, the act page's "Kiinnostaa" and contact message, and a TOP
list's page. The page models' get_context and routes (tori.models) call these; the rules are in tori.interest and
tori.toplists, and each view only translates their refusals (docs/architecture.md, "Actions and errors")."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, IntegerField, OuterRef, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.errors import ActionError
from core.pages import url_here
from core.pagination import paginate
from core.ratelimit import RateLimited

from .filters import ActFilterForm, find_acts, with_card_data
from .interest import MAX_MESSAGE_LENGTH, express_interest, has_interest, interest_count, send_contact_message
from .models import TopList, TopListItem


class ContactMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Viestisi"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_MESSAGE_LENGTH,
        help_text=_(
            "Viesti lähtee sähköpostilla yhteyshenkilölle nimelläsi ja organisaatiosi nimellä. Vastaus tulee "
            "sähköpostiisi. Yhteyshenkilön osoite ei näy sinulle."
        ),
        error_messages={"required": _("Kirjoita viesti.")},
    )


def top_lists_with_items():
    """The TOP lists that have at least one published act, by title."""
    live_items = TopListItem.objects.filter(top_list=OuterRef("pk"), act__live=True)
    return TopList.objects.filter(Exists(live_items)).order_by("title")


def top_list_acts(top_list, index):
    """The list's acts that are still published under the Tori, in the list's order, with what a card shows."""
    position = TopListItem.objects.filter(top_list=top_list, act=OuterRef("pk")).order_by("sort_order")
    acts = index.acts().filter(pk__in=TopListItem.objects.filter(top_list=top_list).values("act"))
    return (
        with_card_data(acts)
        .annotate(position=Subquery(position.values("sort_order")[:1], output_field=IntegerField()))
        .order_by("position", "pk")
    )


def subpage_url(page, request, name, *args):
    return url_here(page, request) + page.reverse_subpage(name, args=args or None)


def index_context(index, request, context):
    """The filtered, searched and paginated acts; the filters' form; the TOP lists and feeds to link to."""
    acts = index.acts()
    form = ActFilterForm(request.GET, acts=acts)
    context["filter_form"] = form
    context["acts"] = paginate(request, find_acts(acts, form), index.acts_per_page)
    context["searching"] = bool(form.terms)
    context["querystring_without_page"] = form.querystring()
    context["top_lists"] = [
        (top_list, subpage_url(index, request, "top-list", top_list.slug)) for top_list in top_lists_with_items()
    ]
    context["rss_url"] = subpage_url(index, request, "feed-rss")
    context["atom_url"] = subpage_url(index, request, "feed-atom")
    context["default_language"] = settings.LANGUAGE_CODE
    return context


def act_context(act, request, context):
    """The "Kiinnostaa" count and button, and the contact form (not in a preview: its routes serve live acts)."""
    context["is_preview"] = getattr(request, "is_preview", False)
    if not context["is_preview"]:
        # The page's body and its structured data both read these (a preview keeps its unsaved ones in memory).
        prefetch_related_objects([act], "themes", "images__image")
    context["interest_count"] = interest_count(act)
    context["has_interest"] = has_interest(act, request.user)
    if request.user.is_authenticated:
        context.setdefault("contact_form", ContactMessageForm())
    if not context["is_preview"]:
        context["interest_url"] = subpage_url(act, request, "interest")
        context["message_url"] = subpage_url(act, request, "message")
    return context


def _back(act, request, anchor):
    return f"{url_here(act, request)}#{anchor}"


def interest_view(act, request):
    """POST kiinnostaa/: the signed-in visitor's "Kiinnostaa", once."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = _back(act, request, "kiinnostaa")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        outcome = express_interest(act, request.user)
    except ActionError as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    if outcome.created:
        messages.success(request, _("Kiitos! Kerroit, että tämä kehittämisteko kiinnostaa sinua."))
    else:
        messages.info(request, _("Olit jo kertonut, että tämä kehittämisteko kiinnostaa sinua. Mikään ei muuttunut."))
    return redirect(back)


def message_view(act, request):
    """POST viesti/: a signed-in visitor's message to the act's contact person, by e-mail (tori.interest)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = _back(act, request, "viesti")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = ContactMessageForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            send_contact_message(act, request.user, form.cleaned_data["message"])
        except RateLimited as limited:
            form.add_error("message", limited.message)
            status = 429
        except ActionError as refusal:
            form.add_error("message", refusal.message)
        else:
            messages.success(request, _("Viestisi lähetettiin yhteyshenkilölle. Vastaus tulee sähköpostiisi."))
            return redirect(back)
    # The page again, with the message kept and the error next to it.
    messages.error(request, _("Viestiä ei lähetetty."))
    context = act.get_context(request)
    context["contact_form"] = form
    return TemplateResponse(request, act.get_template(request), context, status=status)


def top_list_view(index, request, slug):
    """top/<slug>/: a TOP list's published acts in order."""
    top_list = TopList.objects.filter(slug=slug).first()
    if top_list is None:
        raise Http404
    acts = list(top_list_acts(top_list, index))
    if not acts:
        raise Http404
    return TemplateResponse(
        request,
        "tori/top_list.html",
        {
            "page": index,
            "self": index,
            "request": request,
            "top_list": top_list,
            "acts": acts,
            "default_language": settings.LANGUAGE_CODE,
            "index_url": url_here(index, request),
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )
