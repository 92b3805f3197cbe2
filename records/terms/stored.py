"""The `terms` field each searchable model keeps, filled whenever the model is saved.

A model that stores terms declares which text they come from (`TERMS_SOURCE`) and which date
puts a text in a quarter (`TERMS_DATE`, a path such as "record__start_date"), takes the
`SegmentedText` mixin and a `terms_field()`. Saving through `save()` keeps the two in step from
every entry point (services, the admin, the seeder); rows written with `bulk_create` or
`update()` are filled by `services.terms_backfill` (`manage.py segment_texts`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from records.terms.segment import joined_terms


def terms_field() -> models.TextField:
    return models.TextField(
        _("terms"),
        blank=True,
        editable=False,
        help_text=_("The words of the text, segmented when it is saved (hot terms, search)."),
    )


class SegmentedText:
    """Mixin for a model with `TERMS_SOURCE` and a `terms` field (see the module)."""

    TERMS_SOURCE: str
    TERMS_DATE: str

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # A save of other fields only (a status change) leaves the terms as they are.
        if update_fields is None or self.TERMS_SOURCE in update_fields:
            self.terms = joined_terms(getattr(self, self.TERMS_SOURCE))
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "terms"}
        super().save(*args, **kwargs)
