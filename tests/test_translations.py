"""The Chinese catalogue is complete: every entry translated, none fuzzy (msgfmt leaves a fuzzy
entry out, and the page then shows the English msgid)."""

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def entries(text: str) -> list[dict]:
    """The catalogue's entries: {"flags": ..., "msgid": ..., "msgstr": ..., ...} each."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        entry: dict = {"flags": ""}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):
                continue
            elif match := FIELD.match(line):
                field = match.group(1)
                entry[field] = match.group(2)
            elif line.startswith('"') and field:
                entry[field] += line[1:-1]
        if "msgid" in entry:
            found.append(entry)
    return found


def test_the_parser_sees_fuzzy_and_empty_entries():
    text = '#, fuzzy\nmsgid "a"\nmsgstr "甲"\n\nmsgid "b"\nmsgstr ""\n'

    assert [(e["msgid"], "fuzzy" in e["flags"], e["msgstr"]) for e in entries(text)] == [
        ("a", True, "甲"),
        ("b", False, ""),
    ]


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = [e for e in entries(CATALOGUE.read_text(encoding="utf-8")) if e["msgid"]]
    untranslated = [
        (e.get("msgctxt"), e["msgid"])
        for e in messages
        if "fuzzy" in e["flags"]
        or any(value == "" for key, value in e.items() if key.startswith("msgstr"))
    ]

    assert len(messages) > 800
    assert untranslated == []
