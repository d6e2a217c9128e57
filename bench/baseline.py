#!/usr/bin/env python3
"""The baseline coupongen is measured against: the straightforward Python way.

COUNT unique codes of LENGTH characters from the default (unambiguous) alphabet, drawn with
`secrets.choice` (the Python documentation's recipe for secure tokens) and kept unique with a
`set`, written as a one-column CSV. The alphabet has no lower-case letters, so uniqueness
ignoring case is plain uniqueness here.

    python3 bench/baseline.py COUNT PATH [LENGTH]
"""
import secrets
import sys

ALPHABET = "2345679ACDEFGHJKLMNPQRSTUVWXYZ"


def main() -> int:
    count = int(float(sys.argv[1]))
    path = sys.argv[2]
    length = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    seen = set()
    with open(path, "w", encoding="ascii", newline="\n") as out:
        out.write("code\n")
        while len(seen) < count:
            code = "".join(secrets.choice(ALPHABET) for _ in range(length))
            if code in seen:
                continue
            seen.add(code)
            out.write(code + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
