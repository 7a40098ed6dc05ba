#!/usr/bin/env python3
"""Build autograd/names.txt, the list of first names that `autograd.data.names()` reads.

    python -m pip download --no-deps -d /tmp/names names==0.3.0
    tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python scripts/make_names.py /tmp/names/names-0.3.0/names

The source is the U.S. Census Bureau's 1990 lists of first names (``dist.female.first`` and
``dist.male.first``), a work of the U.S. government and so in the public domain; the PyPI
package ``names`` 0.3.0 ships them unchanged (its README: "Data in the following files are
public domain (derived from 1990 Census data)"). The output keeps every name of both lists once,
lowercase, in alphabetical order, one name a line.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "autograd" / "names.txt"
SOURCES = ("dist.female.first", "dist.male.first")


def read_names(folder: Path) -> list[str]:
    """The first column of each Census list, lowercase, each name once, sorted."""
    found: set[str] = set()
    for source in SOURCES:
        for line in (folder / source).read_text(encoding="ascii").splitlines():
            if not line.strip():
                continue
            name = line.split()[0].lower()
            if not name.isascii() or not name.isalpha():
                raise ValueError(f"{source}: unexpected name {name!r}")
            found.add(name)
    return sorted(found)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    names = read_names(Path(argv[1]))
    OUT.write_text("\n".join(names) + "\n", encoding="ascii")
    print(f"wrote {len(names):,} names to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
