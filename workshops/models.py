import uuid
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.forms import PageForm
from core.pages import original
from networks.access import network_access
from networks.models import NetworkPage

from .blocks import AgendaBlock, MembersContentBlock
from .storage import private_storage, submission_file_path


def login_url():
    """The sign-in page's address, or None while no sign-in view is installed."""
    try:
        return resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:
        return None


class WorkshopPage(Page):
    """One workshop (työpaja) in a network's series. Times are stored in UTC, shown in Europe/Helsinki."""

    number = models.PositiveSmallIntegerField(_("järjestysnumero"), help_text=_("Monesko työpaja sarjassa."))
    start = models.DateTimeField(_("alkaa"))
    end = models.DateTimeField(_("päättyy"))
    place = models.CharField(_("paikka"), max_length=255, blank=True, help_text=_("Osoite tai tilan nimi."))
    online_url = models.URLField(_("etäyhteyden osoite"), blank=True)
    summary = RichTextField(_("julkinen tiivistelmä"), features=["bold", "italic", "link", "ul", "ol"], blank=True)
    agenda = StreamField(AgendaBlock(), verbose_name=_("ohjelma"), blank=True)
    # Only the network's members (and the programme office) see this; it is kept out of the search index.
    members_content = StreamField(
        MembersContentBlock(),
        verbose_name=_("vain jäsenille"),
        blank=True,
        help_text=_("Materiaalit, linkit ja videot, jotka näkyvät vain verkoston jäsenille."),
    )
    facilitator_notes = StreamField(
        MembersContentBlock(),
        verbose_name=_("fasilitaattorin muistiinpanot"),
        blank=True,
        help_text=_("Työpajan jälkeen: yhteenveto, sovitut asiat ja seuraavat askeleet. Näkyy vain jäsenille."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("paikkoja"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Jätä tyhjäksi, jos osallistujamäärää ei rajata. Täyden työpajan ilmoittautujat pääsevät jonoon."),
    )
    cancelled = models.BooleanField(
        _("peruttu"),
        default=False,
        help_text=_("Peruttu työpaja näkyy sivulla ja verkoston kalenterissa peruttuna."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("number"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Aika")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("online_url")], heading=_("Paikka")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("cancelled")], heading=_("Ilmoittautuminen")),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        MultiFieldPanel([FieldPanel("members_content"), FieldPanel("facilitator_notes")], heading=_("Vain jäsenille")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.FilterField("start")]

    parent_page_types = ["networks.NetworkPage"]
    subpage_types = []
    base_form_class = PageForm
    template = "pages/workshop_page.html"

    class Meta:
        verbose_name = _("työpaja")
        verbose_name_plural = _("työpajat")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("Päättymisajan pitää olla alkamisajan jälkeen.")
        if not self.place and not self.online_url:
            errors["place"] = _("Anna paikka tai etäyhteyden osoite.")
        if errors:
            raise ValidationError(errors)

    def media_collections(self, parent):
        """Its network's collections (core.forms): a workshop shows only its own network's documents."""
        network = NetworkPage.objects.filter(pk=parent.pk).first()
        return network.media_collections() if network else []

    @cached_property
    def original(self) -> "WorkshopPage":
        """The workshop this page is a page of: itself, or for a translation the page in the default language
        (core.pages.original), which registrations, tasks, feedback and the workshop's room point at."""
        return original(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The parent network page in one query (get_parent().specific would take two), then the membership. On a
        # translated workshop the member space's links go to the workshop itself (`original`) in the network
        # itself (`access.network`), and only when that workshop is one of the network's (it always is, unless an
        # editor made a workshop in the translated tree only).
        network = NetworkPage.objects.filter(path=self.path[: -self.steplen]).select_related("locale").first()
        context["network"] = network
        access = network_access(request.user, network) if network is not None else None
        context["space_network"] = access.network if access is not None else None
        in_network = access is not None and self.original.path.startswith(access.network.path)
        context["space_workshop"] = self.original if in_network else None
        context["can_see_members_content"] = access is not None and access.is_member
        context["login_url"] = login_url()
        return context

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def network(self):
        return self.get_parent().specific


class Task(models.Model):
    """A pre-task (before the workshop) or an inter-task (after it, before the next) that members answer."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Ennakkotehtävä")
        INTER = "inter", _("Välitehtävä")

    class AnsweredBy(models.TextChoices):
        PERSON = "person", _("Jokainen jäsen vastaa itse")
        ORGANISATION = "organisation", _("Organisaatio vastaa yhdessä")

    workshop = models.ForeignKey(
        WorkshopPage, verbose_name=_("työpaja"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("tehtävän laji"), max_length=10, choices=Kind.choices, default=Kind.PRE)
    title = models.CharField(_("otsikko"), max_length=200)
    instructions = models.TextField(_("ohjeet"), max_length=10000)
    # The instructions rendered once and sanitised (core.text.render_markdown).
    instructions_html = models.TextField(editable=False, blank=True)
    due = models.DateTimeField(_("palautettava viimeistään"))
    answered_by = models.CharField(
        _("kuka vastaa"), max_length=20, choices=AnsweredBy.choices, default=AnsweredBy.PERSON
    )
    answers_visible = models.BooleanField(
        _("jäsenet näkevät toistensa vastaukset"),
        default=False,
        help_text=_("Jos valitset tämän, kaikki verkoston jäsenet voivat lukea vastaukset."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("luotu"), auto_now_add=True)
    updated = models.DateTimeField(_("muokattu"), auto_now=True)
    reminded = models.DateTimeField(_("muistutus lähetetty"), null=True, blank=True, editable=False)
    reminded_recipients = models.PositiveIntegerField(
        _("muistutuksen vastaanottajia"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("tehtävä")
        verbose_name_plural = _("tehtävät")
        ordering = ["due", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        """Answers can be submitted and edited until the due date."""
        return timezone.now() < self.due

    @property
    def per_organisation(self):
        return self.answered_by == self.AnsweredBy.ORGANISATION


class Submission(models.Model):
    """An answer to a task: one per person, or one per organisation when the task is answered together."""

    task = models.ForeignKey(Task, verbose_name=_("tehtävä"), on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastaaja"), on_delete=models.CASCADE, related_name="submissions"
    )
    # Set only for a task answered per organisation: the organisation whose answer this is.
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisaatio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    text = models.TextField(_("vastaus"), max_length=20000, blank=True)
    # The answer rendered once and sanitised (core.text.render_markdown).
    text_html = models.TextField(editable=False, blank=True)
    created = models.DateTimeField(_("palautettu"), auto_now_add=True)
    updated = models.DateTimeField(_("muokattu"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vastaus")
        verbose_name_plural = _("vastaukset")
        ordering = ["created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "user"], condition=Q(organisation__isnull=True), name="one_answer_per_person"
            ),
            models.UniqueConstraint(
                fields=["task", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_answer_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.task} – {self.organisation or self.user}"


class AnswerDraft(models.Model):
    """What a person has typed in a task's answer box and not saved as the answer: it comes back when they open the
    task again, on any device. Private to its author even when the task is answered per organisation (the
    organisation's answer is the Submission); saving the answer deletes it, and drafts untouched for
    DRAFT_KEEP_DAYS are pruned (`manage.py prune_drafts`)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=20000)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vastauksen luonnos")
        verbose_name_plural = _("vastausten luonnokset")
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="one_answer_draft_per_person")]
        indexes = [models.Index(fields=["updated"], name="answer_draft_updated")]

    def __str__(self):
        return f"{self.task} – {self.user}"


class SubmissionFile(models.Model):
    """A file attached to an answer. Stored outside the public media folder (workshops.storage) and
    served only by a view that checks who may read the answer."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=submission_file_path, max_length=255)
    name = models.CharField(_("tiedoston nimi"), max_length=255)
    size = models.PositiveBigIntegerField(_("koko"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("lisätty"), auto_now_add=True)

    class Meta:
        verbose_name = _("liitetiedosto")
        verbose_name_plural = _("liitetiedostot")
        ordering = ["created", "pk"]

    def __str__(self):
        return self.name


class Registration(models.Model):
    """A member's answer to "are you coming?" and, after the workshop, whether they attended.

    A "yes" beyond the workshop's capacity waits in line (`waitlisted`), in the order of `responded`.
    The facilitator may mark a person who never answered as attended: `response` is then blank.
    """

    class Response(models.TextChoices):
        YES = "yes", _("Tulen")
        MAYBE = "maybe", _("Ehkä")
        NO = "no", _("En tule")

    workshop = models.ForeignKey(
        WorkshopPage, verbose_name=_("työpaja"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("jäsen"),
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
    )
    response = models.CharField(_("vastaus"), max_length=10, choices=Response.choices, blank=True)
    waitlisted = models.BooleanField(_("jonossa"), default=False)
    responded = models.DateTimeField(_("vastattu"), default=timezone.now)
    attended = models.BooleanField(_("osallistui"), null=True, blank=True)

    class Meta:
        verbose_name = _("ilmoittautuminen")
        verbose_name_plural = _("ilmoittautumiset")
        ordering = ["responded", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="one_registration_per_person"),
        ]

    def __str__(self):
        return f"{self.user} – {self.workshop} ({self.get_response_display()})"

    @property
    def has_place(self):
        return self.response == self.Response.YES and not self.waitlisted


class FeedbackRespondent(models.Model):
    """That a person has given feedback on a workshop, so that each person answers once — and nothing of
    what they answered: the answer (Feedback) is stored apart, with nothing that leads back here."""

    workshop = models.ForeignKey(
        WorkshopPage, verbose_name=_("työpaja"), on_delete=models.CASCADE, related_name="feedback_respondents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastaaja"),
        on_delete=models.CASCADE,
        related_name="workshop_feedback_given",
    )

    class Meta:
        verbose_name = _("palautteen antaja")
        verbose_name_plural = _("palautteen antajat")
        constraints = [models.UniqueConstraint(fields=["workshop", "user"], name="feedback_once_per_person")]

    def __str__(self):
        return f"{self.user} – {self.workshop}"


class Feedback(models.Model):
    """An answer to a workshop's feedback: an overall grade, statements on a Likert scale and free text.

    Anonymous in fact: no author, no time, and a random key (UUID), so nothing orders it with the
    FeedbackRespondent record of who answered. Results are shown only once feedback has closed and from
    FEEDBACK_MIN_ANSWERS answers up (workshops.feedback_results).
    """

    class Agreement(models.IntegerChoices):
        STRONGLY_DISAGREE = 1, _("Täysin eri mieltä")
        DISAGREE = 2, _("Jonkin verran eri mieltä")
        NEUTRAL = 3, _("Ei samaa eikä eri mieltä")
        AGREE = 4, _("Jonkin verran samaa mieltä")
        STRONGLY_AGREE = 5, _("Täysin samaa mieltä")

    # The statements, as in the programme's own evaluations; each answer may also be "en osaa sanoa" (None).
    STATEMENTS = {
        "met_expectations": _("Työpaja vastasi odotuksiani."),
        "useful_for_work": _("Sain työpajasta välineitä omaan työhöni."),
        "learned_from_others": _("Opin muiden organisaatioiden kokemuksista."),
        "will_apply": _("Aion viedä oppimaani käytäntöön työpaikallani."),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(
        WorkshopPage, verbose_name=_("työpaja"), on_delete=models.CASCADE, related_name="feedback"
    )
    overall = models.PositiveSmallIntegerField(
        _("kokonaisarvio"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    met_expectations = models.PositiveSmallIntegerField(
        STATEMENTS["met_expectations"], choices=Agreement.choices, null=True, blank=True
    )
    useful_for_work = models.PositiveSmallIntegerField(
        STATEMENTS["useful_for_work"], choices=Agreement.choices, null=True, blank=True
    )
    learned_from_others = models.PositiveSmallIntegerField(
        STATEMENTS["learned_from_others"], choices=Agreement.choices, null=True, blank=True
    )
    will_apply = models.PositiveSmallIntegerField(
        STATEMENTS["will_apply"], choices=Agreement.choices, null=True, blank=True
    )
    comment = models.TextField(_("vapaa palaute"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("palaute")
        verbose_name_plural = _("palautteet")
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="overall_from_1_to_5"),
        ]

    def __str__(self):
        return f"{self.workshop} – {self.overall}/5"


class FeedbackClosure(models.Model):
    """Feedback on a workshop has closed: no more answers, and the results may be shown. A facilitator may
    close it early (`closed_by`); otherwise it closes FEEDBACK_PERIOD after the workshop has ended, and the
    first look after that records it (workshops.feedback.close_if_due). Once recorded it stays closed,
    whatever later happens to the workshop's times."""

    workshop = models.OneToOneField(
        WorkshopPage,
        verbose_name=_("työpaja"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="feedback_closure",
    )
    closed = models.DateTimeField(_("suljettu"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sulkija"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("palautteen sulkeminen")
        verbose_name_plural = _("palautteen sulkemiset")

    def __str__(self):
        return f"{self.workshop} – {self.closed:%Y-%m-%d}"


FEEDBACK_MIN_ANSWERS = 5
# Feedback closes this long after the workshop has ended, unless a facilitator closes it earlier.
FEEDBACK_PERIOD = timedelta(days=14)


class WorkshopMailing(models.Model):
    """One e-mail round about a workshop (new materials, a new task, the day-before reminder, the call for
    feedback), recorded under a key so that the same news is never sent twice."""

    workshop = models.ForeignKey(WorkshopPage, on_delete=models.CASCADE, related_name="mailings")
    key = models.CharField(max_length=100)
    sent = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("työpajan sähköposti")
        verbose_name_plural = _("työpajan sähköpostit")
        constraints = [models.UniqueConstraint(fields=["workshop", "key"], name="one_mailing_per_key")]

    def __str__(self):
        return f"{self.workshop} – {self.key}"
