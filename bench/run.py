"""Run every benchmark in bench/, one process each (each builds its own throwaway database).

    .venv/bin/python bench/run.py            # SQLite
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/run.py
"""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = [
    "eligibility_pages.py", "discovery.py", "reminders_plan.py", "reminders_send.py",
    "notices.py", "alerts_plan.py",
]

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    failed = [
        name
        for name in BENCHMARKS
        if subprocess.run([sys.executable, str(here / name)], check=False).returncode != 0
    ]
    sys.exit(f"failed: {', '.join(failed)}" if failed else 0)
