"""E-mail from the site: rendered from templates in the sender's request, sent by the task worker.

The message is rendered when it is queued (so the worker needs no request or language), and queued
only once the surrounding transaction has committed, so nobody is told of something that was rolled back.
Each recipient gets a message of their own: members never see each other's addresses.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_email_task(recipients, subject, body, reply_to=None):
    if not reply_to:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients])
        return
    with get_connection() as connection:
        connection.send_messages(
            [
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], reply_to=reply_to)
                for address in recipients
            ]
        )


def send_templated_email(recipients, template_name, context, reply_to=None):
    """Queues `templates/email/<template_name>.txt` (first line: the subject) to `recipients` on commit; with
    `reply_to` (a list of addresses), answers go there instead of to the site's no-reply sender."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL, **context}
    subject, _blank, body = render_to_string(f"email/{template_name}.txt", context).strip().partition("\n")
    arguments = (recipients, subject.strip(), body.strip() + "\n")
    if reply_to:
        transaction.on_commit(lambda: send_email_task.enqueue(*arguments, reply_to=list(reply_to)))
    else:
        transaction.on_commit(lambda: send_email_task.enqueue(*arguments))
