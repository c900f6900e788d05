"""Masking measured on the generated corpus: identifiers vanish, ordinary numbers stay (speed is in bench/)."""

from __future__ import annotations

from bench.pii_bench import measure
from tests.pii_corpus import LANGS, cases


def test_recall_and_false_masking_on_the_generated_corpus() -> None:
    report = measure(cases(per_kind=30))
    failures = [e for table in (report.recall, report.false) for t in table.values() for e in t.examples]
    assert report.overall_recall >= 0.995, failures
    assert report.overall_false_masking <= 0.01, failures
    for lang in LANGS:  # no language may hide behind the average
        assert 1 - report.rate(report.recall, lang) >= 0.98, (lang, failures)


def test_corpus_is_deterministic_and_large_enough() -> None:
    first = list(cases(per_kind=30))
    assert first == list(cases(per_kind=30))
    assert len(first) >= 3000
    assert {case.lang for case in first} == set(LANGS)
