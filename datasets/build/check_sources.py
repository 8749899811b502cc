#!/usr/bin/env python3
"""Check the sources of the shipped datasets (Python 3.11, standard library only).

    python3 datasets/build/check_sources.py

For each dataset under datasets/: every `source` named in firms.csv and sourcing.csv is the `id`
of a `[[sources]]` entry of its dataset.toml; ids are unique; every `url` is a complete http(s)
link (no "..." and no spaces); a link whose host is not the primary publisher's (PRIMARY below)
is marked as a secondary copy (its `note` says "Secondary copy" or "secondary"). Exit status 1
and a line per problem when something is wrong.
"""

from __future__ import annotations

import csv
import os
import sys
import tomllib
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")

# Hosts of primary publishers: the agency, company or journal that issued the fact.
PRIMARY = {
    "pubs.usgs.gov", "www.iea.org", "www.sec.gov", "www.nio.com", "www.volkswagen-newsroom.com",
    "en.gotion.com.cn", "eur-lex.europa.eu", "bis.gov", "www.washingtonpost.com",
    "www.nytimes.com", "macropolo.org",
}


def main() -> int:
    problems = []
    for name in sorted(os.listdir(ROOT)):
        d = os.path.join(ROOT, name)
        if not os.path.exists(os.path.join(d, "firms.csv")):
            continue
        with open(os.path.join(d, "dataset.toml"), "rb") as f:
            sources = tomllib.load(f).get("sources", [])
        ids = [s["id"] for s in sources if "id" in s]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: duplicate source ids")
        for s in sources:
            url = s.get("url")
            if url is None:
                continue
            p = urlparse(url)
            if p.scheme not in ("http", "https") or not p.netloc or "..." in url or " " in url:
                problems.append(f"{name}: incomplete url {url!r}")
            elif p.netloc not in PRIMARY and "secondary" not in s.get("note", "").lower():
                problems.append(f"{name}: {s.get('id', s['title'])}: {p.netloc} is not a primary publisher and the note does not say it is a secondary copy")
        for file in ("firms.csv", "sourcing.csv"):
            with open(os.path.join(d, file), newline="") as f:
                for i, row in enumerate(csv.DictReader(f), start=2):
                    if row.get("source") not in ids:
                        problems.append(f"{name}/{file} row {i}: source {row.get('source')!r} is not a [[sources]] id")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
