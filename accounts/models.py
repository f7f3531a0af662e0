from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserQuerySet(models.QuerySet):
    def notifiable(self):
        """The people who may be told of network activity (tasks, workshops, discussion): active and not deleted.
        What each wants to hear of, and how, is their notice settings' business (notices.preferences).
        `User.is_notifiable` is the same rule for one person."""
        return self.filter(is_active=True, deleted__isnull=True)


class EmailUserManager(UserManager.from_queryset(UserQuerySet)):
    """A user manager for accounts that sign in with their e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The e-mail address is the identifier; there are no usernames.

    The profile lives on the user itself: one row, no extra query on any page that shows a person.
    """

    class RoleCategory(models.TextChoices):
        EMPLOYEE = "employee", _("Työntekijä")
        SUPERVISOR = "supervisor", _("Esihenkilö")
        MANAGER = "manager", _("Johtaja")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Nainen")
        MAN = "man", _("Mies")
        OTHER = "other", _("Muu")
        UNDISCLOSED = "undisclosed", _("En halua kertoa")

    username = None
    email = models.EmailField(_("sähköpostiosoite"), unique=True)
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisaatio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    job_title = models.CharField(_("tehtävänimike"), max_length=150, blank=True)
    role_category = models.CharField(_("asema"), max_length=20, choices=RoleCategory.choices, blank=True)
    gender = models.CharField(_("sukupuoli"), max_length=20, choices=Gender.choices, blank=True)

    deleted = models.DateTimeField(_("poistettu"), null=True, blank=True, editable=False)
    # When the first sign-in asked for what the profile lacked (accounts.views.welcome): it asks only once.
    welcomed = models.DateTimeField(_("tervetulokysymykset esitetty"), null=True, blank=True, editable=False)
    # The language of every e-mail to the person; empty until they choose one or first sign in (accounts.signals).
    language = models.CharField(_("sähköpostien kieli"), max_length=10, choices=settings.LANGUAGES, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def is_notifiable(self):
        """May be told of network activity: the rule of `User.objects.notifiable()`, for a loaded user."""
        return self.is_active and self.deleted is None

    @property
    def email_language(self):
        """The language the person's e-mails are written in: their choice, else the site's default."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def display_name(self):
        if self.deleted:
            return str(_("poistettu käyttäjä"))
        return self.get_full_name() or self.email
