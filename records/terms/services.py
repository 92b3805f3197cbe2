"""Filling the stored terms of rows saved without them: rows written before segmentation
existed, by `bulk_create` (the demo seeder, the bench) or `update()`, or all of them again after
the domain dictionary or the stop words changed."""

from django.apps import apps
from django.db import transaction

from records.terms.segment import joined_terms
from records.terms.stored import SegmentedText

BATCH = 500


def searchable_models() -> list:
    """Every installed model that stores terms (records' and the apps' above it)."""
    return [model for model in apps.get_models() if issubclass(model, SegmentedText)]


def rows_to_segment(model, *, everything: bool = False):
    """The rows of `model` with a text to segment: those whose terms are empty, or all."""
    rows = model._base_manager.exclude(**{model.TERMS_SOURCE: ""})
    return rows if everything else rows.filter(terms="")


def terms_backfill(*, everything: bool = False, batch_size: int = BATCH, say=None) -> dict:
    """Segment the texts of rows whose terms are empty (of every row when `everything`),
    `batch_size` rows a transaction, in the order of their ids. Writes only `terms` (no
    history, no change of `updated_at` or `version`). Returns {model label: rows written}."""
    written = {}
    for model in searchable_models():
        source = model.TERMS_SOURCE
        rows = rows_to_segment(model, everything=everything).order_by("pk")
        done, last = 0, 0
        while True:
            batch = list(rows.filter(pk__gt=last).only("pk", source, "terms")[:batch_size])
            if not batch:
                break
            for row in batch:
                row.terms = joined_terms(getattr(row, source))
            with transaction.atomic():
                model._base_manager.bulk_update(batch, ["terms"])
            done += len(batch)
            last = batch[-1].pk
            if say:
                say(f"{model._meta.label}: {done}")
        written[model._meta.label] = done
    return written
