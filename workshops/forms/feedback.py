"""The feedback form a member fills in after a workshop: an overall grade, the programme's statements on a
Likert scale (each may be left as "en osaa sanoa") and free text, which is kept as plain text."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..feedback_results import GRADE_LABELS
from ..models import Feedback

# The radio value of "en osaa sanoa"; stored as None, as is a statement left unanswered.
DONT_KNOW = "eos"
COMMENT_MAX_LENGTH = 4000


def agreement_or_none(value):
    return None if value == DONT_KNOW else int(value)


def overall_grade_field(label):
    """The overall grade 1–5 as radio buttons: a workshop's, and a sparring day's (services)."""
    return forms.TypedChoiceField(
        label=label,
        help_text=_("1 = heikko, 5 = erinomainen."),
        choices=list(GRADE_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Valitse kokonaisarvio asteikolla 1–5."),
            "invalid_choice": _("Valitse kokonaisarvio asteikolla 1–5."),
        },
    )


class FeedbackForm(forms.Form):
    overall = overall_grade_field(_("Kokonaisarvio työpajasta"))
    comment = forms.CharField(
        label=_("Vapaa palaute"),
        help_text=_(
            "Mikä toimi, mitä olisit kaivannut? Palaute tallennetaan ilman nimeäsi, ja fasilitaattori näkee sen "
            "vasta, kun palaute on sulkeutunut."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [*Feedback.Agreement.choices, (DONT_KNOW, _("En osaa sanoa"))]
        statements = {
            key: forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=agreement_or_none,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Valitse yksi vaihtoehdoista.")},
            )
            for key, label in Feedback.STATEMENTS.items()
        }
        # The grade first, then the statements, then the free text.
        self.fields = {"overall": self.fields["overall"], **statements, "comment": self.fields["comment"]}

    @property
    def statement_fields(self):
        return [self[key] for key in Feedback.STATEMENTS]

    def answers(self):
        """The answer's fields, for workshops.feedback.give_feedback."""
        return {key: self.cleaned_data[key] for key in ("overall", *Feedback.STATEMENTS, "comment")}
