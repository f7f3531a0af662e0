from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User

SHOWN_TO_MEMBERS = _(
    "Näkyy niiden verkostojen muille jäsenille ja fasilitaattoreille, joissa olet mukana, "
    "jotta he tietävät, kenen kanssa keskustelevat."
)
ESR_ONLY = _(
    "Kysytään vain KunTeko-ohjelman ESR-raportointia varten: tiedosta lasketaan nimettömät "
    "osallistujamäärät. Sitä ei näytetä kenellekään muulle."
)


class ProfileForm(forms.ModelForm):
    """The person's own profile. Every field says why it is asked."""

    first_name = forms.CharField(
        label=_("Etunimi"),
        max_length=150,
        help_text=SHOWN_TO_MEMBERS,
        error_messages={"required": _("Kirjoita etunimesi.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Sukunimi"),
        max_length=150,
        help_text=SHOWN_TO_MEMBERS,
        error_messages={"required": _("Kirjoita sukunimesi.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"),
        # The organisations are the networks app's: reached through the relation, not by importing a higher app.
        queryset=User._meta.get_field("organisation").related_model.objects.order_by("name"),
        required=False,
        empty_label=_("Ei valittu"),
        help_text=_(
            "Työpaikkasi. Organisaation, jota edustat kussakin verkostossa, valitsee verkoston fasilitaattori "
            "(kutsussa tai liittymispyyntöä hyväksyessään); tämä tieto auttaa häntä. Jos organisaatiosi puuttuu "
            "luettelosta, kerro siitä verkostosi fasilitaattorille."
        ),
        error_messages={"invalid_choice": _("Valitse organisaatio luettelosta.")},
    )
    job_title = forms.CharField(
        label=_("Tehtävänimike"),
        max_length=150,
        required=False,
        help_text=SHOWN_TO_MEMBERS,
        error_messages={"max_length": _("Tehtävänimike voi olla enintään %(limit_value)d merkkiä.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    role_category = forms.ChoiceField(
        label=_("Asema työpaikalla"),
        choices=[("", _("Ei vastattu"))] + User.RoleCategory.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=ESR_ONLY,
        error_messages={"invalid_choice": _("Valitse asema annetuista vaihtoehdoista.")},
    )
    gender = forms.ChoiceField(
        label=_("Sukupuoli"),
        choices=[("", _("Ei vastattu"))] + User.Gender.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=ESR_ONLY,
        error_messages={"invalid_choice": _("Valitse sukupuoli annetuista vaihtoehdoista tai jätä vastaamatta.")},
    )

    language = forms.ChoiceField(
        label=_("Sähköpostien kieli"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Kaikki Verkostamon sinulle lähettämät sähköpostit kirjoitetaan tällä kielellä."),
        error_messages={
            "required": _("Valitse sähköpostien kieli."),
            "invalid_choice": _("Valitse jokin annetuista kielistä."),
        },
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "organisation", "job_title", "role_category", "gender", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Until the person chooses, their e-mails are in the site's default language: shown as chosen.
        if not self.instance.language:
            self.initial["language"] = self.instance.email_language

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_job_title(self):
        return self.cleaned_data["job_title"].strip()


WELCOME_FIELDS = ("first_name", "last_name", "organisation", "job_title", "role_category", "gender")


def missing_profile_fields(user: User) -> list[str]:
    """The profile's fields the person has not filled in, in the form's order."""
    return [name for name in WELCOME_FIELDS if not getattr(user, "organisation_id" if name == "organisation" else name)]


class WelcomeForm(ProfileForm):
    """The first sign-in's questions: only the profile fields still empty (`missing`)."""

    def __init__(self, *args, missing: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in missing:
                del self.fields[name]


class DeleteAccountForm(forms.Form):
    """Deleting the account needs the current password, so a forgotten open session is not enough."""

    password = forms.CharField(
        label=_("Salasanasi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Kirjoita salasanasi vahvistukseksi.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Salasana ei ole oikein. Tiliä ei poistettu."), code="incorrect_password")
        return password
