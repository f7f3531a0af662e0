"""The form of a development project in a training's member space (services.projects decides what is allowed)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .projects import SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH


def yes(value):
    return value == "yes"


class ProjectForm(forms.Form):
    """Title, summary, the organisation (among those the project's owner represents in the training: none to
    choose from leaves the field out) and whether the project is shown on the training's public page."""

    title = forms.CharField(
        label=_("Hankkeen nimi"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Anna hankkeelle nimi."),
            "max_length": _("Hankkeen nimi saa olla enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )
    summary = forms.CharField(
        label=_("Kuvaus"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Mitä kehitätte, miksi ja miten, ja mitä siitä on jo seurannut. Kirjoita tavallista tekstiä; kappaleet "
            "säilyvät."
        ),
        error_messages={
            "required": _("Kuvaa hanke muutamalla lauseella."),
            "max_length": _("Kuvaus saa olla enintään %(limit_value)d merkkiä (nyt %(show_value)d)."),
        },
    )
    organisation = forms.ChoiceField(
        label=_("Organisaatio"),
        help_text=_("Organisaatio, jota hankkeen tekijä edustaa tässä koulutuksessa."),
        error_messages={
            "required": _("Valitse organisaatio, jota hankkeen tekijä edustaa tässä koulutuksessa."),
            "invalid_choice": _("Valitse organisaatio, jota hankkeen tekijä edustaa tässä koulutuksessa."),
        },
    )
    public = forms.TypedChoiceField(
        label=_("Näkyykö hanke koulutuksen julkisella sivulla?"),
        choices=[("yes", _("Kyllä, hanke näkyy koulutuksen tuloksena")), ("no", _("Ei, vain koulutuksen jäsenille"))],
        coerce=yes,
        widget=forms.RadioSelect,
        help_text=_("Julkisella sivulla näkyvät hankkeen nimi, organisaatio ja kuvaus, ei tekijän nimeä."),
        error_messages={
            "required": _("Valitse, näkyykö hanke julkisesti."),
            "invalid_choice": _("Valitse kyllä tai ei."),
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(organisation.pk): organisation for organisation in organisations}  # one query
        if self.organisations:
            self.fields["organisation"].choices = [(pk, org.name) for pk, org in self.organisations.items()]
        else:
            del self.fields["organisation"]

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]

    @classmethod
    def for_project(cls, project, organisations):
        initial = {
            "title": project.title,
            "summary": project.summary,
            "organisation": str(project.organisation_id or ""),
            "public": "yes" if project.public else "no",
        }
        return cls(initial=initial, organisations=organisations)

    def values(self):
        """The cleaned values as services.projects takes them."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "organisation": data.get("organisation"),
            "public": data["public"],
        }
