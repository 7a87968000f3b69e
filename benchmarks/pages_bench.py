"""Page render times through the Flask test client, over the real data.

    .venv/bin/python benchmarks/pages_bench.py [--repeat 200]

Prints mean and p99 per page type; the target is "well under 50 ms" (issue 5).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bootstrap import bootstrap  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web import create_web_app  # noqa: E402

PAGES = {
    "/": "/",
    "/search (fits)": "/search?q=" + quote("家賃を3か月滞納している"),
    "/search (not in plan)": "/search?q=" + quote("粗大ごみの申し込み"),
    "/measures/<id> (3rd)": "/measures/3-1-1-3",
    "/measures/<id> (2nd)": "/measures/2-1-1-2",
    "/departments": "/departments",
    "/departments/<name>": "/departments/" + quote("保護課"),
    "/api/search": "/api/search?q=" + quote("家賃を3か月滞納している"),
    "/healthz": "/healthz",
}
TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=ROOT / "data", db_path=Path(tmp) / "soudan.db")
        client = create_web_app(settings, bootstrap(settings, serving=False)).test_client()
        print(f"page render times, {args.repeat} requests each (Flask test client)")
        print(f"{'page':26s} {'mean ms':>8s} {'p99 ms':>8s}")
        for label, url in PAGES.items():
            client.get(url)  # first render compiles templates and builds the catalog
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            verdict = "PASS" if p99 < TARGET_MS else "FAIL"
            print(
                f"{label:26s} {statistics.mean(times):8.2f} {p99:8.2f}  < {TARGET_MS:.0f} ms {verdict}"
            )


if __name__ == "__main__":
    main()
