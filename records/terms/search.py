"""Matching a query against the stored terms: one function for the search page, the ledger and
the record list.

The query is segmented as the texts were (records.terms.segment), so "夜班欠薪" finds the texts
that have both words, and "班" does not find "夜班" (words, not substrings). Every word must be
there (AND).

- PostgreSQL: each searchable table has a `search_vector` tsvector column that PostgreSQL
  generates from `terms` with the 'simple' configuration (no stemming, no stop words of its
  own: ours were removed before), indexed with GIN. It is not a model field (the models stay the
  same on SQLite); the migrations add it with `add_search_vector`.
- SQLite: no full-text index; the stored terms are matched word by word (" term " inside
  " terms "), a scan of the table — fine at a district's size on the embedded database, and the
  reason production runs on PostgreSQL (README, "Search").
"""

import html
import re

from django.db import connection
from django.db.models import BooleanField, Expression, F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.safestring import SafeString, mark_safe

from records.terms.segment import segment

VECTOR_COLUMN = "search_vector"


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, in order (empty when it has none: only stop words,
    punctuation or numbers)."""
    return list(dict.fromkeys(segment(query[:200])))


def matching(queryset: QuerySet, query: str | list[str]) -> QuerySet:
    """The rows of `queryset` whose terms hold every word of `query` (a string, segmented
    here, or its words already); none when the query has no words."""
    words = query_terms(query) if isinstance(query, str) else query
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(VectorMatch(words))
    padded = queryset.alias(
        _padded_terms=Concat(Value(" "), F("terms"), Value(" "), output_field=TextField())
    )
    for word in words:
        padded = padded.filter(_padded_terms__contains=f" {word} ")
    return padded


class VectorMatch(Expression):
    """`search_vector @@ plainto_tsquery('simple', 'word word')` on the query's own table (under
    whatever alias it has, as a subquery too). plainto_tsquery ANDs the words and reads them as
    text: there is no query syntax to escape. A condition on the row itself, not `id IN
    (SELECT …)`: PostgreSQL reads the GIN index's matches once (3 × faster at 100,000 sheets)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, words: list[str]):
        super().__init__()
        self.words = " ".join(words)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{VECTOR_COLUMN} @@ plainto_tsquery('simple', %s)", [self.words]


def add_search_vector(table: str):
    """A migration operation's function: on PostgreSQL, the generated tsvector column over
    `terms` and its GIN index; nothing on other databases."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quoted = schema_editor.quote_name(table)
        schema_editor.execute(
            f"ALTER TABLE {quoted} ADD COLUMN {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(table + '_search')} ON {quoted} "
            f"USING gin ({VECTOR_COLUMN})"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {schema_editor.quote_name(table)} DROP COLUMN {VECTOR_COLUMN}"
            )

    return forwards, backwards


# --- The matched passage -------------------------------------------------------------------

PASSAGE = 60  # characters shown either side of the first match


def highlight(text: str, words: list[str], *, width: int = PASSAGE) -> SafeString:
    """The passage of `text` around its first match of `words`, HTML-escaped, each match
    wrapped in <mark>. Text before or after the passage is replaced by "…"."""
    text = " ".join(text.split())
    if not words:
        return mark_safe(html.escape(text[: width * 2]))
    # Longest first, so that "新就业形态" is marked whole rather than a shorter word inside it.
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(text)
    start = max(first.start() - width, 0) if first else 0
    end = min((first.end() if first else 0) + width, len(text))
    passage = text[start:end]
    parts, at = [], 0
    for found in pattern.finditer(passage):
        parts.append(html.escape(passage[at : found.start()]))
        parts.append(f"<mark>{html.escape(found.group())}</mark>")
        at = found.end()
    parts.append(html.escape(passage[at:]))
    return mark_safe(("…" if start > 0 else "") + "".join(parts) + ("…" if end < len(text) else ""))
