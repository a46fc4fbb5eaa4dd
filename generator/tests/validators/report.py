"""What validate.py and consumers.py share: one printed line per check, the JSON files of the
built site, and the exit status (1 when any check failed)."""

import json
import os
import sys

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


def loader(site):
    """A function reading a site-relative JSON file of `site`."""

    def load(path):
        with open(os.path.join(site, path), encoding="utf-8") as f:
            return json.load(f)

    return load


def finish():
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    sys.exit(1 if failures else 0)
