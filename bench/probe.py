"""Check every workload and measure memory, on the autograd this process imports:
``python -m bench.probe [--quick] ENGINE...``, one JSON object on stdout.

`bench.runner` runs it once per side (this checkout, and the one given with ``--against``)
before any timing: a check that fails stops the run, since a timing of a wrong computation
means nothing. Nothing here is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import autograd
from bench.workloads import WORKLOADS, memory


def probe(quick: bool, names: list[str], keys: list[str]) -> dict[str, Any]:
    sizes = {k: WORKLOADS[k].quick if quick else WORKLOADS[k].full for k in keys}
    return {
        "autograd_file": os.path.realpath(autograd.__file__),
        "version": autograd.__version__,
        "checks": {k: WORKLOADS[k].check(sizes[k], names) for k in keys},
        "memory": memory(WORKLOADS["generic"].quick if quick else WORKLOADS["generic"].full,
                         names),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("engines", nargs="+", help="the engines that can run here")
    args = parser.parse_args()
    json.dump(probe(args.quick, args.engines, args.workloads.split(",")), sys.stdout)


if __name__ == "__main__":
    main()
