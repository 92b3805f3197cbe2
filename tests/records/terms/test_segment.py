"""Segmentation: jieba with the domain dictionary and the stop words, stored on save and by the
backfill."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from liaison.models import Opinion
from records.models import Problem, VisitRecord
from records.terms import segment as segmentation
from records.terms.segment import joined_terms, segment
from tests.factories import OpinionFactory, ProblemFactory, VisitRecordFactory


def test_the_domain_dictionary_keeps_the_programmes_words_whole():
    assert segment("夜班欠薪") == ["夜班", "欠薪"]
    # Without the dictionary jieba cuts these ("外卖 骑手", "新 就业 形态", "职工 之 家").
    assert segment("外卖骑手夜班欠薪") == ["外卖骑手", "夜班", "欠薪"]
    assert "新就业形态" in segment("新就业形态劳动者入会难")
    assert "职工之家" in segment("建设职工之家")
    assert segment("快递员的互助保障") == ["快递员", "互助保障"]


def test_the_dictionary_and_the_stop_words_are_files_in_the_repository():
    words = [
        line.split()[0]
        for line in segmentation.DOMAIN_DICTIONARY.read_text(encoding="utf-8").splitlines()
    ]
    assert len(words) >= 50
    assert {"工会法", "职工之家", "夜班", "欠薪", "新就业形态", "互助保障", "集体协商"} <= set(
        words
    )
    assert {"的", "希望", "反映"} <= segmentation.stop_words()


def test_stop_words_punctuation_and_numbers_are_no_terms():
    assert segment("职工希望解决的问题：欠薪 3 个月，2026年！") == ["欠薪"]
    assert segment("") == [] and segment("  \n") == []


def test_latin_words_are_kept_lower_case():
    assert "app" in segment("外卖APP派单")


def test_jieba_is_loaded_once_with_its_cache_in_the_configured_directory(settings):
    first = segmentation.tokenizer()
    assert segmentation.tokenizer() is first
    assert first.tmp_dir == str(settings.TERMS_CACHE_DIR)


@pytest.mark.django_db
def test_a_sheet_a_problem_and_an_opinion_store_their_terms_when_saved():
    record = VisitRecordFactory(needs_and_opinions="外卖骑手反映夜班欠薪")
    problem = ProblemFactory(record=record, description="快递员加班费计算不清")
    opinion = OpinionFactory(text="希望建设职工之家")
    assert VisitRecord.objects.get(pk=record.pk).terms == "外卖骑手 夜班 欠薪"
    assert Problem.objects.get(pk=problem.pk).terms == "快递员 加班费 计算 不清"
    assert Opinion.objects.get(pk=opinion.pk).terms == "建设 职工之家"


@pytest.mark.django_db
def test_a_changed_text_is_segmented_again_and_a_save_of_other_fields_keeps_the_terms():
    record = VisitRecordFactory(needs_and_opinions="夜班欠薪")
    record.needs_and_opinions = "社保缴纳不足"
    record.save(update_fields=["needs_and_opinions"])
    assert VisitRecord.objects.get(pk=record.pk).terms == "社保 缴纳 不足"
    VisitRecord.objects.filter(pk=record.pk).update(terms="kept")
    record.status = VisitRecord.Status.RETURNED
    record.save(update_fields=["status"])
    assert VisitRecord.objects.get(pk=record.pk).terms == "kept"


@pytest.mark.django_db
def test_the_backfill_fills_rows_written_without_terms_and_leaves_the_rest():
    record = VisitRecordFactory(needs_and_opinions="夜班欠薪")
    problem = ProblemFactory(record=record, description="劳动合同未签")
    opinion = OpinionFactory(text="困难职工帮扶")
    # As bulk_create or update() leave them.
    VisitRecord.objects.update(terms="")
    Problem.objects.update(terms="")
    Opinion.objects.filter(pk=opinion.pk).update(terms="stale")
    call_command("segment_texts", batch_size=1)
    assert VisitRecord.objects.get(pk=record.pk).terms == "夜班 欠薪"
    assert Problem.objects.get(pk=problem.pk).terms == "劳动合同 未签"
    assert Opinion.objects.get(pk=opinion.pk).terms == "stale"  # not empty: not redone
    call_command("segment_texts", "--all")
    assert Opinion.objects.get(pk=opinion.pk).terms == "困难职工 帮扶"


@pytest.mark.django_db
def test_the_backfill_as_a_task_and_its_dry_run(capsys):
    record = VisitRecordFactory(needs_and_opinions="夜班欠薪")
    VisitRecord.objects.update(terms="")
    call_command("segment_texts", "--dry-run")
    assert "records.VisitRecord: 1 to segment" in capsys.readouterr().out
    assert VisitRecord.objects.get(pk=record.pk).terms == ""
    # Tests run tasks at once (TASKS_IMMEDIATE): the worker's run, in the test.
    call_command("segment_texts", "--enqueue")
    assert VisitRecord.objects.get(pk=record.pk).terms == "夜班 欠薪"


def test_joined_terms_are_what_the_models_store():
    assert joined_terms("职工之家，夜班") == "职工之家 夜班"


def test_a_web_worker_loads_the_dictionary_as_it_starts():
    """Not with the first text it saves (a second or more, after every worker restart)."""
    check = (
        "from records.terms.segment import tokenizer\n"
        "assert tokenizer.cache_info().currsize == 0\n"
        "import liaison.wsgi\n"
        "assert tokenizer.cache_info().currsize == 1\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=settings.BASE_DIR, env=env, capture_output=True
    )

    assert done.returncode == 0, done.stderr.decode()
