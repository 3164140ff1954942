"""Field-level precision and recall of the notice reader over the corpus in tests/notices/.

    .venv/bin/python bench/notices.py [--runs 5]

Loads the seed files into a throwaway database (bench/throwaway_db.py), so that the reader
knows the seeded authorities and sectors as an administrator's site does, reads every notice
of tests/notices/corpus/ and prints, per field, how many were right, filled with a wrong value
or missed, with precision (right / read) and recall (right / expected); then every field that
was not right. Speed is printed as a ratio to a baseline measured in the same run: splitting
the same texts into lines and finding their dates with one regular expression, the least any
reader of them does. The same scoring is asserted in tests/notices/test_corpus.py.
"""

import argparse
import statistics
import time

import throwaway_db

LABEL = throwaway_db.setup()

from tests.notices.corpus import TODAY, notices, score_corpus  # noqa: E402
from tracker.interchange import seeds  # noqa: E402
from tracker.notices import draft_from_notice  # noqa: E402
from tracker.notices.draft import Taxonomy  # noqa: E402
from tracker.notices.patterns import DATE_RE  # noqa: E402


def median_seconds(work, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seeds.load(seeds.seed_files(throwaway_db.ROOT / "seeds"))
    taxonomy = Taxonomy.from_db()
    score = score_corpus(taxonomy)
    print(f"Notice reader over the corpus ({LABEL}):")
    print("\n".join(score.table()))
    for name, field, expected, read in score.mistakes:
        print(f"  {name} · {field}: expected {expected!r}, read {read!r}")

    texts = [text for _name, text, _expected in notices()]

    def read_all():
        for text in texts:
            draft_from_notice(text, today=TODAY, taxonomy=taxonomy)

    def baseline():
        for text in texts:
            for line in text.splitlines():
                DATE_RE.findall(line)

    read_all()  # warm-up: compiled patterns, translations
    reader, base = median_seconds(read_all, args.runs), median_seconds(baseline, args.runs)
    print(f"reading {len(texts)} notices: {reader * 1000:.1f} ms "
          f"({reader / len(texts) * 1000:.2f} ms a notice), "
          f"{reader / base:.0f}× the baseline (lines + one date pattern: {base * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
