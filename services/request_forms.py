"""The forms of sparring requests: applying, and the office's decision. A form decides what it can from its own
input; the rules (whose organisation, which coach, the budget) are services.requests', whose refusals the views put
on the field they concern (`field_of`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_DAYS_PER_REQUEST, DevelopmentTheme, SparringRequest
from .requests import RequestInput, active_coaches

# The messages say "1–5": MAX_DAYS_PER_REQUEST, written out so that they stay lazy (translated when shown).
DAYS_MESSAGE = _("Sparrauspäiviä voi olla 1–5 yhtä hakemusta kohden.")
PARTICIPANTS = (
    ("management", _("Johto")),
    ("supervisors", _("Esihenkilöt")),
    ("staff", _("Henkilöstö")),
)

# The form field that an action's refusal (its code) concerns; other refusals are the form's own.
ERROR_FIELDS = {
    "organisation": "organisation",
    "days": "days_requested",
    "coach": "preferred_coach",
    "themes": "themes",
    "participants": "participants",
}
DECISION_ERROR_FIELDS = {
    "decision": "status",
    "no_coach": "coach",
    "coach": "coach",
    "days_granted": "days_granted",
    "over_budget": "days_granted",
    "no_reason": "reason",
}


def days_field(label, required=True, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=1,
        max_value=MAX_DAYS_PER_REQUEST,
        error_messages={
            "required": DAYS_MESSAGE,
            "invalid": DAYS_MESSAGE,
            "min_value": DAYS_MESSAGE,
            "max_value": DAYS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DAYS_PER_REQUEST}),
    )


def coach_field(label, required, help_text=""):
    return forms.ModelChoiceField(
        label=label,
        queryset=active_coaches(),
        required=required,
        empty_label=_("Ei toivetta") if not required else "—",
        help_text=help_text,
        error_messages={
            "required": _("Valitse hakemukselle sparraaja ohjelman sparraajista."),
            "invalid_choice": _(
                "Valittu sparraaja ei ole ohjelman sparraajapoolissa. Valitse sparraaja ohjelman sparraajista."
            ),
        },
    )


class ApplyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"),
        queryset=None,
        empty_label="—",
        help_text=_("Organisaatio, jonka nimissä haet: se, jota edustat verkostossasi."),
        error_messages={
            "required": _("Valitse organisaatio, jonka nimissä haet sparrausta."),
            "invalid_choice": _(
                "Voit hakea sparrausta vain sen organisaation nimissä, jota edustat jossakin verkostossasi."
            ),
        },
    )
    scope = forms.ChoiceField(
        label=_("Kenelle sparraus on"),
        choices=SparringRequest.Scope.choices,
        initial=SparringRequest.Scope.UNIT,
        widget=forms.RadioSelect,
    )
    unit = forms.CharField(
        label=_("Yksikkö, toimiala tai mukana olevat organisaatiot"),
        max_length=200,
        help_text=_("Esim. ”Varhaiskasvatus” tai ”Keiteleen, Pielaveden, Tervon ja Vesannon kirjastot”."),
        error_messages={"required": _("Kerro, mille yksikölle tai toimialalle sparrausta haetaan.")},
    )
    themes = forms.MultipleChoiceField(
        label=_("Mitä haluatte kehittää"),
        choices=DevelopmentTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Valitse vähintään yksi teema, jota haluatte kehittää."),
            "invalid_choice": _("Valitse vähintään yksi teema, jota haluatte kehittää."),
        },
    )
    goals = forms.CharField(
        label=_("Kerro tarkemmin kehittämistarpeesta ja tavoitteista"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Kerro, mitä haluatte sparrauksella kehittää.")},
    )
    days_requested = days_field(
        _("Montako sparrauspäivää haette"),
        help_text=_("1–5 päivää."),
    )
    participants = forms.MultipleChoiceField(
        label=_("Ketkä osallistuvat"),
        choices=PARTICIPANTS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kerro, ketkä sparraukseen osallistuvat: johto, esihenkilöt tai henkilöstö."),
            "invalid_choice": _("Kerro, ketkä sparraukseen osallistuvat: johto, esihenkilöt tai henkilöstö."),
        },
    )
    preferred_coach = coach_field(
        _("Toivottu sparraaja"),
        required=False,
        help_text=_("Voit toivoa sparraajaa palvelusivun sparraajista. Ohjelmatoimisto nimeää sparraajan."),
    )
    contact_name = forms.CharField(
        label=_("Yhteyshenkilö"),
        max_length=150,
        error_messages={"required": _("Kerro yhteyshenkilön nimi.")},
    )
    contact_email = forms.EmailField(
        label=_("Yhteyshenkilön sähköposti"),
        error_messages={
            "required": _("Kerro yhteyshenkilön sähköpostiosoite."),
            "invalid": _("Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi."),
        },
    )
    contact_phone = forms.CharField(label=_("Yhteyshenkilön puhelin"), max_length=40, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            organisation=data["organisation"],
            scope=data["scope"],
            unit=data["unit"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            themes=list(data["themes"]),
            goals=data["goals"],
            days_requested=data["days_requested"],
            preferred_coach=data["preferred_coach"],
            management_takes_part="management" in data["participants"],
            supervisors_take_part="supervisors" in data["participants"],
            staff_take_part="staff" in data["participants"],
        )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Päätös"),
        choices=[
            (SparringRequest.Status.ACCEPTED, _("Hyväksy")),
            (SparringRequest.Status.DECLINED, _("Hylkää")),
            (SparringRequest.Status.ON_HOLD, _("Siirrä pitoon")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Valitse päätös: hyväksy, hylkää tai siirrä pitoon."),
            "invalid_choice": _("Valitse päätös: hyväksy, hylkää tai siirrä pitoon."),
        },
    )
    coach = coach_field(_("Sparraaja"), required=False, help_text=_("Pakollinen, kun hakemus hyväksytään."))
    days_granted = days_field(
        _("Myönnettävät päivät"), required=False, help_text=_("Pakollinen, kun hakemus hyväksytään.")
    )
    reason = forms.CharField(
        label=_("Perustelu hakijalle"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pakollinen, kun hakemus hylätään. Hakija näkee perustelun ja saa sen sähköpostiinsa."),
    )

    def __init__(self, *args, on_hold=False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_hold:  # a request on hold is accepted or declined
            self.fields["status"].choices = self.fields["status"].choices[:2]
