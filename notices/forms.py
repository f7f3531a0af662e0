"""The settings page's form: it only shapes the input (one radio list per choice); the rules — who may choose
what for which network or room — are notices.actions'."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .attention import LEVEL_CHOICES, NETWORK_CHOICES, SOURCES, Followed
from .models import Delivery, DigestSettings, Kind

# Field names whose prefix says what they choose: a posted one that the form does not have (a network the person
# is not in, a kind that does not exist) is refused, not silently ignored.
PREFIXES = ("kind-", "network-")


def radio(label, choices, initial=None, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        initial=initial,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Valitse jokin vaihtoehdoista."),
            "invalid_choice": _("Valitse jokin annetuista vaihtoehdoista."),
        },
    )


class NoticeSettingsForm(forms.Form):
    """Fields: `kind-<kind>` for each kind of notice, `frequency`, `language`, `network-<id>` for each of the
    person's networks and `<source>-<id>` for each room (notices.attention) they followed or muted explicitly."""

    frequency = radio(_("Kooste tulee"), DigestSettings.Frequency.choices)
    language = radio(
        _("Sähköpostien kieli"),
        settings.LANGUAGES,
        help_text=_("Kaikki sinulle lähetettävät sähköpostit kirjoitetaan tällä kielellä."),
    )

    def __init__(self, *args, deliveries, networks, levels, followed: dict[str, list[Followed]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"kind-{kind.value}"] = radio(kind.label, Delivery.choices, deliveries[kind].value)
        self.network_names = []
        for network in networks:
            name = f"network-{network.pk}"
            self.fields[name] = radio(network.title, NETWORK_CHOICES, levels[network.pk].value)
            self.network_names.append(name)
        self.followed = followed
        for items in followed.values():
            for item in items:
                self.fields[item.key] = radio(item.title, LEVEL_CHOICES, item.level)

    def kind_fields(self):
        return [self[f"kind-{kind.value}"] for kind in Kind]

    def network_fields(self):
        return [self[name] for name in self.network_names]

    def followed_fields(self):
        """[(source, [(item, bound field)])], a section for each registered source (notices.attention)."""
        return [(SOURCES[name], [(item, self[item.key]) for item in items]) for name, items in self.followed.items()]

    def clean(self):
        prefixes = PREFIXES + tuple(f"{name}-" for name in self.followed)
        unknown = [key for key in self.data if key.startswith(prefixes) and key not in self.fields]
        if unknown:
            raise forms.ValidationError(
                _(
                    "Lomakkeessa oli valinta, jota et voi tehdä: verkosto tai huone, jonka jäsen et ole, tai "
                    "tuntematon ilmoituksen laji. Mitään ei muutettu."
                ),
                code="unknown",
            )
        return super().clean()

    def changes(self):
        """The cleaned choices as notices.actions.set_preferences takes them."""
        data = self.cleaned_data
        return {
            "deliveries": {kind.value: data[f"kind-{kind.value}"] for kind in Kind},
            "frequency": data["frequency"],
            "language": data["language"],
            "networks": {int(name.removeprefix("network-")): data[name] for name in self.network_names},
            "followed": {
                source: {item.id: data[item.key] for item in items} for source, items in self.followed.items()
            },
        }
