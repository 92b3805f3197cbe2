"""The backfill as a task, for the worker (`manage.py segment_texts --enqueue`)."""

from django_tasks import task

from records.terms.services import terms_backfill


@task()
def segment_texts(everything: bool = False) -> dict:
    return terms_backfill(everything=everything)
