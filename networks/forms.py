from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .models import NetworkPage, Organisation, Theme


class NetworkFilterForm(forms.Form):
    """The network index's filters. A value that is not one of the choices is ignored, never an error page."""

    kind = forms.ChoiceField(
        label=_("Verkoston laji"), required=False, choices=[("", _("Kaikki"))] + NetworkPage.Kind.choices
    )
    theme = forms.ModelChoiceField(
        label=_("Teema"), required=False, queryset=Theme.objects.all(), to_field_name="slug", empty_label=_("Kaikki")
    )
    status = forms.ChoiceField(
        label=_("Tila"), required=False, choices=[("", _("Kaikki"))] + NetworkPage.Status.choices
    )
    partner = forms.ModelChoiceField(
        label=_("Yhteistyökumppani"),
        required=False,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PARTNER),
        empty_label=_("Kaikki"),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.is_valid()  # fills cleaned_data with the valid fields only

    @property
    def active_filters(self):
        """The valid, non-empty filters: {field name: cleaned value}."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filter(self, networks):
        lookups = {"kind": "kind", "theme": "theme", "status": "status", "partner": "partner"}
        return networks.filter(**{lookups[name]: value for name, value in self.active_filters.items()})

    def querystring(self):
        """The active filters as a query string, for pagination links."""
        values = {}
        for name, value in self.active_filters.items():
            field = self.fields[name]
            values[name] = (
                field.prepare_value(value)
                if not isinstance(field, forms.ModelChoiceField)
                else (getattr(value, field.to_field_name or "pk"))
            )
        return urlencode(values)


class JoinRequestForm(forms.Form):
    """A signed-in person asks, for their organisation, to join a network that is open for applications."""

    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"),
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.PARTNER),
        empty_label=_("Valitse organisaatio"),
        error_messages={"required": _("Valitse organisaatio, jota edustat.")},
    )
    motivation = forms.CharField(
        label=_("Miksi haluatte mukaan?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Muutama lause riittää: mitä haluatte kehittää verkostossa?"),
        error_messages={"required": _("Kerro lyhyesti, miksi haluatte mukaan.")},
    )

    def __init__(self, *args, network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        if user.is_authenticated and user.organisation_id:
            self.fields["organisation"].initial = user.organisation_id
