"""What a batch worker pays before its first ward: import time and memory, measured in fresh processes.

    python benchmarks/startup.py [--repeat 5]

Each case is a new Python process that imports what a worker imports (``wardaudit.run.ward``) and prints
the seconds and the growth of its resident memory (VmRSS). *as shipped*: wardaudit keeps jsonschema's
``rfc3987_syntax`` out (wardaudit/__init__.py); *with rfc3987_syntax*: jsonschema imported first, so the
grammar is built as it would be without that line. *seaborn*: what importing seaborn adds to a worker that
has matplotlib's Agg canvas and pandas already (the ward charts read its theme from the package instead).
Medians of ``--repeat`` processes; one JSON line, and benchmarks/STARTUP.md.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "STARTUP.md"

PROBE = """
import time, sys
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
{before}
r0, t0 = rss(), time.perf_counter()
{measured}
print(time.perf_counter() - t0, rss() - r0)
"""
CASES = {
    "worker imports, as shipped": ("", "import wardaudit.run.ward"),
    "worker imports, with rfc3987_syntax": ("", "import jsonschema, wardaudit.run.ward"),
    "seaborn after matplotlib and pandas": (
        "import wardaudit.run.ward, pandas, matplotlib.figure, matplotlib.backends.backend_agg", "import seaborn"),
}


def measure(repeat: int) -> dict:
    out = {}
    for name, (before, measured) in CASES.items():
        runs = []
        for _ in range(repeat):
            text = subprocess.run([sys.executable, "-c", PROBE.format(before=before, measured=measured)],
                                  capture_output=True, text=True, check=True).stdout.split()
            runs.append((float(text[0]), float(text[1])))
        out[name] = {"seconds": round(statistics.median(r[0] for r in runs), 3),
                     "mb": round(statistics.median(r[1] for r in runs), 1)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    got = measure(args.repeat)
    lines = ["# What a worker pays before its first ward", "",
             f"`make bench` (benchmarks/startup.py): fresh Python processes, medians of {args.repeat}.", "",
             "| case | seconds | resident memory added |", "|---|---:|---:|"]
    lines += [f"| {name} | {v['seconds']:.2f} | {v['mb']:.1f} MB |" for name, v in got.items()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(got, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
