"""The programme's services besides networks (docs/services.md): sparring by an outside expert, and the internal
developers' training, which is a network of the kind "koulutus" (networks.NetworkPage.Kind.TRAINING) whose
participants' development projects are its results.

- The pool of experts (`Expert`: coaches and trainers) is kept by the programme office as Wagtail snippets and
  shown on the public services page (`ServicesPage`).
- A workplace applies for sparring (`SparringRequest`); the office accepts it (assigning a coach and days within
  the year's day budget, `SparringBudget`), declines it with a reason or puts it on hold.
- The coach logs each day delivered (`SparringDay`) with headcounts by category, because most participants have
  no account; the participants answer an anonymous feedback link (`SparringFeedback`).
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from core.forms import PageForm

MAX_DAYS_PER_REQUEST = 5


class DevelopmentTheme(models.TextChoices):
    """What a workplace develops with a coach: the themes of the programme's sparring."""

    SHARED_CULTURE = "toimintakulttuuri", _("Yhteinen toimintakulttuuri")
    STRATEGY = "strategia", _("Strategia käytäntöön")
    PROCESSES = "prosessit", _("Prosessien kehittäminen")
    INVOLVEMENT = "osallistaminen", _("Esihenkilöiden ja henkilöstön osallistaminen")
    WELLBEING = "tyohyvinvointi", _("Työhyvinvointi")


def theme_labels(values):
    """The labels of stored theme values, in the choices' order; unknown values are left out."""
    return [label for value, label in DevelopmentTheme.choices if value in values]


class Expert(index.Indexed, models.Model):
    """A coach (sparraaja) or trainer in the programme's pool. `user` is the account a coach logs days with."""

    name = models.CharField(_("nimi"), max_length=150)
    organisation = models.CharField(_("organisaatio"), max_length=200, blank=True)
    is_coach = models.BooleanField(_("sparraaja"), default=True)
    is_trainer = models.BooleanField(_("kouluttaja"), default=False)
    themes = models.JSONField(_("teemat"), default=list, blank=True)
    regions = models.CharField(
        _("alueet"),
        max_length=300,
        blank=True,
        help_text=_("Maakunnat, joilla asiantuntija toimii, pilkuin erotettuina."),
    )
    bio = models.TextField(_("esittely"), max_length=1000, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("kuva"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Kuvan vaihtoehtoinen teksti kerrotaan kuvan tiedoissa."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("käyttäjätili"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        help_text=_("Tili, jolla sparraaja kirjaa sparrauspäivät."),
    )
    active = models.BooleanField(_("mukana poolissa"), default=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("organisation")]

    class Meta:
        verbose_name = _("asiantuntija")
        verbose_name_plural = _("asiantuntijat")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def theme_labels(self):
        return theme_labels(self.themes)


class SparringBudget(models.Model):
    """How many sparring days the programme can give in a year."""

    year = models.PositiveSmallIntegerField(_("vuosi"), unique=True, validators=[MinValueValidator(2000)])
    days = models.PositiveIntegerField(_("sparrauspäiviä"))

    panels = [FieldPanel("year"), FieldPanel("days")]

    class Meta:
        verbose_name = _("sparrauspäivien budjetti")
        verbose_name_plural = _("sparrauspäivien budjetit")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.days}"


class SparringRequest(models.Model):
    """A workplace's application for sparring, and the programme office's decision on it."""

    class Scope(models.TextChoices):
        UNIT = "yksikko", _("Työyksikkö")
        SECTOR = "toimiala", _("Toimiala")
        MUNICIPALITY = "koko", _("Koko kunta tai organisaatio")
        SEVERAL = "useampi", _("Useampi organisaatio yhdessä")

    class Status(models.TextChoices):
        PENDING = "odottaa", _("Odottaa käsittelyä")
        ON_HOLD = "pidossa", _("Pidossa")
        ACCEPTED = "hyvaksytty", _("Hyväksytty")
        DECLINED = "hylatty", _("Hylätty")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hakija"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # a deleted account's request, and the demo's (services.demo)
        related_name="sparring_requests",
    )
    organisation = models.ForeignKey(
        "networks.Organisation", verbose_name=_("organisaatio"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("kenelle"), max_length=20, choices=Scope.choices, default=Scope.UNIT)
    unit = models.CharField(_("yksikkö tai toimiala"), max_length=200)
    contact_name = models.CharField(_("yhteyshenkilö"), max_length=150)
    contact_email = models.EmailField(_("yhteyshenkilön sähköposti"))
    contact_phone = models.CharField(_("yhteyshenkilön puhelin"), max_length=40, blank=True)
    themes = models.JSONField(_("teemat"), default=list)
    goals = models.TextField(_("mitä haluatte kehittää"), max_length=3000)
    days_requested = models.PositiveSmallIntegerField(
        _("haettuja päiviä"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS_PER_REQUEST)]
    )
    preferred_coach = models.ForeignKey(
        Expert,
        verbose_name=_("toivottu sparraaja"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    management_takes_part = models.BooleanField(_("johto osallistuu"), default=False)
    supervisors_take_part = models.BooleanField(_("esihenkilöt osallistuvat"), default=False)
    staff_take_part = models.BooleanField(_("henkilöstö osallistuu"), default=False)
    year = models.PositiveSmallIntegerField(_("budjettivuosi"))
    created = models.DateTimeField(_("jätetty"), auto_now_add=True)

    status = models.CharField(_("tila"), max_length=20, choices=Status.choices, default=Status.PENDING)
    coach = models.ForeignKey(
        Expert, verbose_name=_("sparraaja"), on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    days_granted = models.PositiveSmallIntegerField(
        _("myönnettyjä päiviä"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS_PER_REQUEST)],
    )
    decision_reason = models.TextField(_("perustelu"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided = models.DateTimeField(_("käsitelty"), null=True, blank=True)

    # A "what came of it" example the workplace agreed to publish: the Tekojen Tori draft made of it.
    act = models.ForeignKey(
        "tori.ActPage",
        verbose_name=_("kehittämisteko"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sparraushakemus")
        verbose_name_plural = _("sparraushakemukset")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.organisation}: {self.unit}"

    @property
    def theme_labels(self):
        return theme_labels(self.themes)

    @property
    def participant_labels(self):
        """Who takes part, as words for a list ("johto, esihenkilöt")."""
        groups = (
            (self.management_takes_part, _("johto")),
            (self.supervisors_take_part, _("esihenkilöt")),
            (self.staff_take_part, _("henkilöstö")),
        )
        return [label for takes_part, label in groups if takes_part]


class SparringDay(models.Model):
    """A sparring day delivered, as its coach logged it. Participants are headcounts: most have no account.

    The gender counts add up to `participants`; the role counts add up to at most it (the rest did not say).
    """

    request = models.ForeignKey(
        SparringRequest, verbose_name=_("sparraus"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("päivä"))
    online = models.BooleanField(_("etänä"), default=False)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("osallistujia"))
    women = models.PositiveIntegerField(_("naisia"), default=0)
    men = models.PositiveIntegerField(_("miehiä"), default=0)
    other_gender = models.PositiveIntegerField(_("muu sukupuoli"), default=0)
    gender_untold = models.PositiveIntegerField(_("sukupuoli ei tiedossa"), default=0)
    employees = models.PositiveIntegerField(_("työntekijöitä"), default=0)
    supervisors = models.PositiveIntegerField(_("esihenkilöitä"), default=0)
    managers = models.PositiveIntegerField(_("johtajia"), default=0)
    report = models.TextField(_("lyhyt raportti"), max_length=3000)
    outcome = models.TextField(_("mitä saatiin aikaan"), max_length=3000, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged = models.DateTimeField(_("kirjattu"), auto_now_add=True)
    # The anonymous feedback link's key: whoever has the link may answer (participants have no accounts).
    feedback_key = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    feedback_closed = models.DateTimeField(_("palaute suljettu"), null=True, blank=True)

    class Meta:
        verbose_name = _("sparrauspäivä")
        verbose_name_plural = _("sparrauspäivät")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.request}: {self.date}"


class SparringFeedback(models.Model):
    """An anonymous answer to a sparring day's feedback: no author, no time, a random key (as workshops.Feedback)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    day = models.ForeignKey(SparringDay, on_delete=models.CASCADE, related_name="feedback")
    overall = models.PositiveSmallIntegerField(
        _("kokonaisarvio"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.PositiveSmallIntegerField(
        _("Sparraus auttoi kehittämistyömme alkuun tai eteenpäin."),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        null=True,
        blank=True,
    )
    comment = models.TextField(_("terveiset sparraajalle"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("sparrauspalaute")
        verbose_name_plural = _("sparrauspalautteet")

    def __str__(self):
        return str(_("Palaute sparrauspäivästä"))


class DevelopmentProject(models.Model):
    """A participant's development project in an internal developers' training: the training's results."""

    network = models.ForeignKey(
        "networks.NetworkPage", verbose_name=_("koulutus"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("hankkeen nimi"), max_length=200)
    summary = models.TextField(_("kuvaus"), max_length=1500)
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisaatio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tekijä"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    public = models.BooleanField(
        _("näkyy julkisesti"), default=True, help_text=_("Julkinen hanke näkyy koulutuksen sivulla tuloksena.")
    )
    created = models.DateTimeField(_("lisätty"), auto_now_add=True)

    class Meta:
        verbose_name = _("kehittämishanke")
        verbose_name_plural = _("kehittämishankkeet")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class ServicesPage(Page):
    """The public page of the programme's services: sparring and the internal developers' training, with the pool
    of coaches and trainers and the way to apply."""

    intro = models.TextField(_("johdanto"), max_length=600, blank=True)
    sparring = RichTextField(_("sparraus"), features=["bold", "italic", "link", "ul", "ol"], blank=True)
    training = RichTextField(
        _("sisäisten kehittäjien koulutus"), features=["bold", "italic", "link", "ul", "ol"], blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("sparring"), FieldPanel("training")], heading=_("Palvelut")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("sparring"),
        index.SearchField("training"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    base_form_class = PageForm
    template = "services/services_page.html"

    class Meta:
        verbose_name = _("palvelusivu")
        verbose_name_plural = _("palvelusivut")

    def get_context(self, request, *args, **kwargs):
        """The pool shown publicly: the active coaches and trainers (an expert who is both is in both lists)."""
        context = super().get_context(request, *args, **kwargs)
        experts = expert_pool()
        context["coaches"] = [expert for expert in experts if expert.is_coach]
        context["trainers"] = [expert for expert in experts if expert.is_trainer]
        return context


EXPERT_PHOTO = "fill-240x240"  # the rendition of an expert's photo on the services page


def expert_pool() -> list[Expert]:
    """The active experts with their photos' renditions: two or three queries whatever their number."""
    photos = get_image_model().objects.prefetch_renditions(EXPERT_PHOTO)
    return list(Expert.objects.filter(active=True).prefetch_related(Prefetch("photo", queryset=photos)))
