"""Summary of a long fuzzing run: ``python -m tests.fuzz.report [CRASH_DIR]``; exit 1 when it found any.

Lists each distinct problem once (reader, kind, signature, how often it was hit, the size of the
smallest input kept, the exception) and the slow inputs, with the folder holding each reproducer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else "out/fuzz")
    crashes = sorted((root / "crashes").glob("*/meta.json")) if (root / "crashes").is_dir() else []
    for meta_path in crashes:
        m = json.loads(meta_path.read_text())
        first = m["exception"].splitlines()[0][:200] if m["exception"] else ""
        print(f"{m['kind']:15} {m['reader']:32} x{m['count']:<5} {m['size']:>9} B  {m['signature']}\n"
              f"{'':16}{first}\n{'':16}reproducer: {meta_path.parent}")
    slow = root / "slow" / "slow.txt"
    n_slow = 0
    if slow.exists():
        lines = slow.read_text().splitlines()
        n_slow = len(lines)
        for line in lines:
            print(f"slow            {line}")
    print(f"{len(crashes)} distinct problem(s), {n_slow} slow input(s) in {root}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
