"""Sending a newsletter issue (newsletter.sending) to 5 000 subscribers on SQLite, the e-mail in the local-memory
outbox: the demo content, 5 000 active subscribers in three languages, an issue of three Tori acts and free text,
then the whole job as the task worker runs it — `start_sending`, then the batches (`NEWSLETTER_BATCH_SIZE`), each
enqueuing the next (immediate tasks here). Prints the time, the queries per recipient, the e-mails and the peak
memory that Python allocated during a second send of the same size (tracemalloc, which slows the run, so it is
measured apart; the outbox keeps nothing then, so the figure is the job's own); asserts nothing.

Run on its own with `python -m bench.newsletter` (its own process: it sets Django up with a database of its own);
`BENCH_NEWSLETTER_SUBSCRIBERS=500` for a quicker run.
"""

import os
import tempfile
import time
import tracemalloc

SUBSCRIBERS = int(os.environ.get("BENCH_NEWSLETTER_SUBSCRIBERS", "5000"))


def setup_django(database_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ["DATABASE_URL"] = f"sqlite:///{database_path}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = os.path.join(os.path.dirname(database_path), "media")
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)


def subscribers():
    from newsletter.models import Subscriber

    languages = ("fi", "fi", "fi", "sv", "en")  # mostly Finnish, as the programme's readers are
    Subscriber.objects.bulk_create(
        (
            Subscriber(email=f"tilaaja{n}@bench.example", language=languages[n % 5], status=Subscriber.Status.ACTIVE)
            for n in range(SUBSCRIBERS)
        ),
        batch_size=1000,
    )


def issue(subject):
    from newsletter.models import NewsletterIssue
    from tori.models import ActPage

    acts = ActPage.objects.live().filter(locale__language_code="fi").order_by("pk")[:3]
    body = [{"type": "act", "value": act.pk} for act in acts]
    body.append({"type": "text", "value": {"heading": "Tervehdys", "text": "Hyvää kevättä!", "language": ""}})
    return NewsletterIssue.objects.create(subject=subject, intro="Uutisia verkostoista.", body=body)


def send(subject):
    from newsletter.sending import start_sending

    return start_sending(issue(subject).pk, None)


class Sent(list):
    """An outbox that counts the messages without keeping them: the memory run measures the job, not the outbox
    (the local-memory backend would keep all 5 000 messages)."""

    def append(self, message):
        pass


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.path.join(folder, "bench.sqlite3"))
        from collections import Counter

        from django.conf import settings
        from django.core import mail
        from django.db import connection

        subscribers()
        mail.outbox = []
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            recipients = send("Mittausnumero 1")
            elapsed = time.perf_counter() - started
        once = max(Counter(message.to[0] for message in mail.outbox).values()) == 1

        mail.outbox = Sent()
        tracemalloc.start()
        send("Mittausnumero 2")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(f"newsletter: {recipients} subscribers, batches of {settings.NEWSLETTER_BATCH_SIZE}, locmem outbox")
        print(
            f"{'seconds':>8} {'per 1000':>9} {'e-mails':>8} {'each once':>10} {'queries':>8} {'per recipient':>14} "
            f"{'peak MiB':>9}"
        )
        print(
            f"{elapsed:>8.1f} {elapsed / recipients * 1000:>9.2f} {recipients:>8} {str(once):>10} {len(queries):>8} "
            f"{len(queries) / recipients:>14.2f} {peak / 2**20:>9.1f}"
        )


if __name__ == "__main__":
    main()
