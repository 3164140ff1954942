"""The reader over the whole corpus: its figures are printed in the test output (and CI's)."""

from tests.notices.corpus import FIELDS, notices, score_corpus

# The goal: at least 95 % of fields right, and no field filled with a wrong value.
GOAL = 0.95


def test_the_corpus_holds_at_least_forty_notices_of_every_level():
    names = [name for name, _text, _expected in notices()]
    assert len(names) >= 40
    for level in ("national", "guangxi", "liuzhou", "forward"):
        assert any(level in name for name in names), level


def test_the_reader_gets_95_percent_of_fields_right_and_none_wrong(seeded, capsys):
    score = score_corpus()
    with capsys.disabled():
        print("\nNotice reader over tests/notices/corpus/ (also: bench/notices.py):")
        print("\n".join(score.table()))
        for name, field, expected, read in score.mistakes:
            print(f"  {name} · {field}: expected {expected!r}, read {read!r}")
    assert score.accuracy >= GOAL
    assert score.wrong_total == 0, [m for m in score.mistakes if m[3] not in (None, False, [])]


def test_every_corpus_answer_names_only_known_fields():
    for name, _text, expected in notices():
        assert set(expected) == set(FIELDS), name
