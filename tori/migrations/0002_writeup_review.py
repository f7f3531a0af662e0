"""The language an act's author wrote in (for the review's e-mails), and the "Tekojen Tori review" workflow.

The workflow has one task, a group approval by the programme office (the group "Ohjelmatoimisto", which follows
`is_staff`: networks.groups), and is assigned to every Tori index page that already exists; an index made later
gets it when it is created (tori.review). The same names are used by `tori.review.review_workflow()`, which
repairs the workflow if it is missing (docs/tori.md, "Writing an act and its review").
"""

from django.db import migrations, models

WORKFLOW_NAME = "Tekojen Tori review"
TASK_NAME = "Ohjelmatoimiston tarkastus"
OFFICE_GROUP = "Ohjelmatoimisto"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    ToriIndexPage = apps.get_model("tori", "ToriIndexPage")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    office, _created = Group.objects.get_or_create(name=OFFICE_GROUP)
    content_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=content_type, active=True)
    task.groups.add(office)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=["change_page", "publish_page"]
    )
    for index in ToriIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})
        for permission in permissions:  # Wagtail publishes an approved page as the reviewer
            GroupPagePermission.objects.get_or_create(group=office, page_id=index.pk, permission=permission)


def deactivate_workflow(apps, schema_editor):
    """Backwards: the workflow and task stay (their history refers to them), inactive and assigned nowhere."""
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(workflow__name=WORKFLOW_NAME).delete()
    Workflow.objects.filter(name=WORKFLOW_NAME).update(active=False)
    GroupApprovalTask.objects.filter(name=TASK_NAME).update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("tori", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="actpage",
            name="author_language",
            field=models.CharField(blank=True, editable=False, max_length=8, verbose_name="kirjoittajan kieli"),
        ),
        migrations.RunPython(create_workflow, deactivate_workflow),
    ]
