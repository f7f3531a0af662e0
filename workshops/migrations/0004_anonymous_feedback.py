"""Feedback stored without its author.

Who answered moves to FeedbackRespondent (one row per workshop and person, from today's Feedback.user); the
answers are copied, in a random order, into a new table with a random key (UUID) and neither the author nor
the time of answering, and the old table goes. Its sequential ids and timestamps would order the answers
with the respondents, so the table is rebuilt rather than altered. Closing feedback gets FeedbackClosure.

Going back copies the answers into the old table without their authors: the link is gone for good.
"""

import secrets
import uuid

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ANSWER_FIELDS = ("overall", "met_expectations", "useful_for_work", "learned_from_others", "will_apply", "comment")
AGREEMENT = [
    (1, "Täysin eri mieltä"),
    (2, "Jonkin verran eri mieltä"),
    (3, "Ei samaa eikä eri mieltä"),
    (4, "Jonkin verran samaa mieltä"),
    (5, "Täysin samaa mieltä"),
]


def separate_authors(apps, schema_editor):
    OldFeedback = apps.get_model("workshops", "Feedback")  # noqa: N806
    AnonymousFeedback = apps.get_model("workshops", "AnonymousFeedback")  # noqa: N806
    FeedbackRespondent = apps.get_model("workshops", "FeedbackRespondent")  # noqa: N806
    answers = list(OldFeedback.objects.values("workshop_id", "user_id", *ANSWER_FIELDS))
    secrets.SystemRandom().shuffle(answers)
    FeedbackRespondent.objects.bulk_create(
        FeedbackRespondent(workshop_id=answer["workshop_id"], user_id=answer["user_id"])
        for answer in sorted(answers, key=lambda answer: (answer["workshop_id"], answer["user_id"] or 0))
        if answer["user_id"] is not None
    )
    AnonymousFeedback.objects.bulk_create(
        AnonymousFeedback(
            id=uuid.uuid4(), workshop_id=answer["workshop_id"], **{name: answer[name] for name in ANSWER_FIELDS}
        )
        for answer in answers
    )


def join_without_authors(apps, schema_editor):
    OldFeedback = apps.get_model("workshops", "Feedback")  # noqa: N806
    AnonymousFeedback = apps.get_model("workshops", "AnonymousFeedback")  # noqa: N806
    OldFeedback.objects.bulk_create(
        OldFeedback(workshop_id=answer["workshop_id"], **{name: answer[name] for name in ANSWER_FIELDS})
        for answer in AnonymousFeedback.objects.values("workshop_id", *ANSWER_FIELDS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_rhythm"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedbackRespondent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="workshop_feedback_given",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="vastaaja",
                    ),
                ),
                (
                    "workshop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback_respondents",
                        to="workshops.workshoppage",
                        verbose_name="työpaja",
                    ),
                ),
            ],
            options={
                "verbose_name": "palautteen antaja",
                "verbose_name_plural": "palautteen antajat",
                "constraints": [
                    models.UniqueConstraint(fields=("workshop", "user"), name="feedback_once_per_person"),
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedbackClosure",
            fields=[
                (
                    "workshop",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="feedback_closure",
                        serialize=False,
                        to="workshops.workshoppage",
                        verbose_name="työpaja",
                    ),
                ),
                ("closed", models.DateTimeField(verbose_name="suljettu")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sulkija",
                    ),
                ),
            ],
            options={
                "verbose_name": "palautteen sulkeminen",
                "verbose_name_plural": "palautteen sulkemiset",
            },
        ),
        migrations.CreateModel(
            name="AnonymousFeedback",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                (
                    "overall",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="kokonaisarvio",
                    ),
                ),
                (
                    "met_expectations",
                    models.PositiveSmallIntegerField(
                        blank=True, choices=AGREEMENT, null=True, verbose_name="Työpaja vastasi odotuksiani."
                    ),
                ),
                (
                    "useful_for_work",
                    models.PositiveSmallIntegerField(
                        blank=True, choices=AGREEMENT, null=True, verbose_name="Sain työpajasta välineitä omaan työhöni."
                    ),
                ),
                (
                    "learned_from_others",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=AGREEMENT,
                        null=True,
                        verbose_name="Opin muiden organisaatioiden kokemuksista.",
                    ),
                ),
                (
                    "will_apply",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=AGREEMENT,
                        null=True,
                        verbose_name="Aion viedä oppimaani käytäntöön työpaikallani.",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=4000, verbose_name="vapaa palaute")),
                (
                    "workshop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="workshops.workshoppage",
                        verbose_name="työpaja",
                    ),
                ),
            ],
            options={
                "verbose_name": "palaute",
                "verbose_name_plural": "palautteet",
            },
        ),
        migrations.RunPython(separate_authors, join_without_authors),
        migrations.DeleteModel(name="Feedback"),
        migrations.RenameModel(old_name="AnonymousFeedback", new_name="Feedback"),
        migrations.AlterField(
            model_name="feedback",
            name="workshop",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback",
                to="workshops.workshoppage",
                verbose_name="työpaja",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(("overall__gte", 1), ("overall__lte", 5)), name="overall_from_1_to_5"
            ),
        ),
    ]
