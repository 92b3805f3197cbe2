"""Chinese word segmentation: the words of a text, as the hot terms count them and the search
matches them.

jieba splits a text into words with its general dictionary; `domain_dictionary.txt` (kept here,
one word a line with jieba's frequency and part of speech) adds the programme's own words so
that "新就业形态" or "外卖骑手" stay one term, and `stop_words.txt` leaves out the words that say
nothing of what the workers ask for ("的", "希望", "反映"…).

jieba's dictionary takes a second or two to load: it is loaded once per process — by a web
worker as it starts (liaison/wsgi.py), by any other process the first time it segments a text —
and its prefix cache is kept in settings.TERMS_CACHE_DIR (writable by the app) so that the next
process loads it from there.
"""

import logging
import re
import threading
from functools import cache
from pathlib import Path

import jieba
from django.conf import settings

HERE = Path(__file__).resolve().parent
DOMAIN_DICTIONARY = HERE / "domain_dictionary.txt"
STOP_WORDS = HERE / "stop_words.txt"

# A term has a letter or a CJK character in it: punctuation, spaces and bare numbers (dates,
# counts, amounts) are no terms.
WORDLIKE = re.compile(r"[^\W\d_]")

_lock = threading.Lock()


@cache
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba's tokenizer with the domain dictionary, built once per process: by a web worker as it
    starts (liaison/wsgi.py), lazily elsewhere (a management command or the tasks worker that
    never segments never pays for it)."""
    with _lock:
        jieba.setLogLevel(logging.WARNING)
        found = jieba.Tokenizer()
        cache_dir = Path(settings.TERMS_CACHE_DIR)
        cache_dir.mkdir(parents=True, exist_ok=True)
        found.tmp_dir = str(cache_dir)
        found.initialize()
        found.load_userdict(str(DOMAIN_DICTIONARY))
        return found


def segment(text: str) -> list[str]:
    """The terms of `text` in the order they appear (repeats kept): jieba's words with the
    domain dictionary, lower-cased, without stop words, punctuation or bare numbers.

    >>> segment("外卖骑手夜班欠薪")
    ['外卖骑手', '夜班', '欠薪']
    """
    if not text or not text.strip():
        return []
    skip = stop_words()
    terms = []
    for word in tokenizer().lcut(text):
        word = word.strip().lower()
        if word and word not in skip and WORDLIKE.search(word):
            terms.append(word)
    return terms


def joined_terms(text: str) -> str:
    """What the models store in their `terms` field: the terms separated by single spaces (the
    form PostgreSQL's 'simple' text search configuration and SQLite's FTS5 both split)."""
    return " ".join(segment(text))
