"""What the services add to the admin: the pool of experts and the yearly day budgets as snippets under the menu
"Sparraus", and a link to the office's queue of sparring requests; the trainings' hooks on the network pages
(services.trainings_hooks).

Snippets follow Wagtail's model permissions: the programme office's group ("Ohjelmatoimisto", which follows
`is_staff`) has add/change/delete/view on Expert and SparringBudget (services migration 0002), superusers have
every permission, and nobody else sees them (a facilitator's admin access gives none). The admin itself still
needs Wagtail's admin access (docs/permissions.md)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from networks.wagtail_hooks import StaffMenuItem

from . import trainings_hooks  # noqa: F401 - registers the trainings' hooks on the network pages
from .models import DevelopmentTheme, Expert, SparringBudget


class ExpertForm(WagtailAdminModelForm):
    """The themes as checkboxes (the model stores a list of DevelopmentTheme values)."""

    themes = forms.MultipleChoiceField(
        label=_("Teemat"), choices=DevelopmentTheme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ExpertViewSet(SnippetViewSet):
    model = Expert
    icon = "user"
    list_display = ["name", "organisation", "is_coach", "is_trainer", "active"]
    list_filter = ["is_coach", "is_trainer", "active"]
    search_fields = ["name", "organisation"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("organisation"),
            FieldPanel("is_coach"),
            FieldPanel("is_trainer"),
            FieldPanel("themes"),
            FieldPanel("regions"),
            FieldPanel("bio"),
            FieldPanel("photo"),
            FieldPanel("user"),
            FieldPanel("active"),
        ],
        base_form_class=ExpertForm,
    )


class SparringBudgetViewSet(SnippetViewSet):
    model = SparringBudget
    icon = "date"
    list_display = ["year", "days"]


class SparringSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Sparraus")
    menu_icon = "user"
    menu_order = 320
    items = (ExpertViewSet, SparringBudgetViewSet)


register_snippet(SparringSnippetsGroup)


@hooks.register("register_admin_menu_item")
def register_sparring_office():
    return StaffMenuItem(
        _("Sparraushakemukset"), reverse("sparring-office"), name="sparring-office", icon_name="mail", order=330
    )
