import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Membership, NetworkPage, Organisation, Theme
from .page_context import has_results


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
    results = forms.ChoiceField(
        label=_("Tulokset"),
        required=False,
        choices=[("", _("Kaikki")), ("on", _("Verkostot, joilla on tuloksia"))],
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.is_valid()  # fills cleaned_data with the valid fields only

    @property
    def active_filters(self):
        """The valid, non-empty filters: {field name: cleaned value}."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filter(self, networks):
        active = dict(self.active_filters)
        if active.pop("results", None):
            networks = networks.filter(has_results())
        lookups = {"kind": "kind", "theme": "theme", "status": "status", "partner": "partner"}
        return networks.filter(**{lookups[name]: value for name, value in active.items()})

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


class RoleForm(forms.Form):
    """A facilitator changes a member's role. A value that is not a role is refused, nothing changes."""

    role = forms.ChoiceField(
        label=_("Rooli"),
        choices=Membership.Role.choices,
        error_messages={"invalid_choice": _("Tuntematon rooli."), "required": _("Valitse rooli.")},
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    """One of the organisations that take part in networks (partners run networks, they are not members)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Organisaatio"))
        kwargs.setdefault("empty_label", _("Valitse organisaatio"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("Valitse organisaatio listasta.")})
        super().__init__(queryset=Organisation.objects.exclude(kind=Organisation.Kind.PARTNER), **kwargs)


class MembershipOrganisationForm(forms.Form):
    """A facilitator sets the organisation a member acts for in the network (shared answers, the directory)."""

    organisation = OrganisationChoiceField(required=False, empty_label=_("Ei organisaatiota"))


class OrganisationRequestForm(forms.Form):
    """A member without an organisation in the network asks its facilitators to attach them to one."""

    organisation = OrganisationChoiceField(
        help_text=_("Fasilitaattori tarkistaa pyynnön ja liittää sinut organisaatioon."),
        error_messages={
            "required": _("Valitse organisaatio, jota edustat verkostossa."),
            "invalid_choice": _("Valitse organisaatio listasta."),
        },
    )


class InvitationForm(forms.Form):
    """Invites one or many e-mail addresses at once, all with the same role and organisation.

    All or nothing: if any address is invalid, the form names them all and nobody is invited, so
    sending the corrected list again never invites anyone twice.
    """

    MAX_ADDRESSES = 100

    emails = forms.CharField(
        label=_("Sähköpostiosoitteet"),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Yksi osoite riville tai pilkuilla erotettuina. Kaikki saavat saman roolin ja organisaation."),
        error_messages={"required": _("Kirjoita ainakin yksi sähköpostiosoite.")},
    )
    role = forms.ChoiceField(
        label=_("Rooli verkostossa"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        error_messages={"invalid_choice": _("Tuntematon rooli.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Ei organisaatiota"),
        help_text=_("Organisaatio, jota kutsutut edustavat verkostossa."),
    )

    def clean_emails(self):
        parts = [part.strip() for part in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if part.strip()]
        addresses, invalid = [], []
        for part in parts:
            try:
                validate_email(part)
            except ValidationError:
                invalid.append(part)
                continue
            if len(part) > 254:  # what the invitation's field holds
                invalid.append(part)
                continue
            address = part.lower()
            if address not in addresses:
                addresses.append(address)
        if invalid:
            raise ValidationError(
                ngettext(
                    "Tämä osoite ei kelpaa: %(invalid)s. Korjaa tai poista se; ketään ei kutsuttu.",
                    "Nämä osoitteet eivät kelpaa: %(invalid)s. Korjaa tai poista ne; ketään ei kutsuttu.",
                    len(invalid),
                ),
                params={"invalid": ", ".join(invalid)},
                code="invalid",
            )
        if not addresses:
            raise ValidationError(_("Kirjoita ainakin yksi sähköpostiosoite."), code="required")
        if len(addresses) > self.MAX_ADDRESSES:
            raise ValidationError(
                _("Kutsu kerralla enintään %(max)s osoitetta."), params={"max": self.MAX_ADDRESSES}, code="too_many"
            )
        return addresses
