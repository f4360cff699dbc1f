#!/usr/bin/env python3
"""make check-programs' sampling (tests/run_tests.py --np-by-grid, --fast-opt) still keeps what
the contract asks, for every tests/programs name under every process-grid dimension it could
have: 1 rank and, where something is distributed, exactly one count above it; each count of 2-4
reached by at least a tenth of the names for each grid dimension; about a quarter of the
programs until 2026-12-07, an eighth since (h149), and every sample, at CFLAGS' level (the product's -O3 -march=native); about a quarter
compiled by nvcc in make check-cuda (--sample-every 4; a half until 2026-12-07); and without the sampling (make check-full: NP_ALL=1 OPT_ALL=1) every count and CFLAGS' level for every program.
Prints FAIL lines and exits 1 if not.
"""
import collections
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("run_tests", os.path.join(ROOT, "tests", "run_tests.py"))
rt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rt)

NPS = [1, 2, 3, 4]


def main():
    names = sorted("programs/" + f[:-4] for f in os.listdir(os.path.join(ROOT, "tests", "programs"))
                   if f.endswith(".tyl"))
    errors = []
    seen = collections.defaultdict(collections.Counter)  # grid dimension -> count -> names
    for name in names:
        for grid in (0, 1, 2, 3):
            nps = rt.counts_for_grid(name, grid, NPS)
            if 1 not in nps:
                errors.append("%s, %d-D grid: not run at 1 rank (%s)" % (name, grid, nps))
            if grid >= 1 and len(nps) != 2:
                errors.append("%s, %d-D grid: %s, not 1 and one count above it" % (name, grid, nps))
            seen[grid].update(nps)
        if rt.counts_for_grid(name, None, NPS) != NPS:
            errors.append("%s: a grid the C does not show not run at every count" % name)
        if rt.program_opt_level(name, None, rt.FULL_OPT_EVERY) is not None:
            errors.append("%s: compiled below CFLAGS without --fast-opt" % name)
    for grid in (1, 2, 3):
        for n in (2, 3, 4):
            if seen[grid][n] < len(names) / 10:
                errors.append("%d-D grids: %d of %d names at %d ranks" % (grid, seen[grid][n], len(names), n))
    if seen[0][2] < len(names) / 4:
        errors.append("nothing distributed: %d of %d names at 2 ranks" % (seen[0][2], len(names)))
    full = sum(rt.program_opt_level(n, "-O0", rt.FULL_OPT_EVERY) is None for n in names)
    if not 0.08 <= full / len(names) <= 0.18:
        errors.append("%d of %d programs at CFLAGS' -O3 (an eighth wanted)" % (full, len(names)))
    # every one of them was in the quarter of before (the same programs' -O3 warnings checked)
    for n in names:
        if rt.program_opt_level(n, "-O0", rt.FULL_OPT_EVERY) is None and rt.program_opt_level(n, "-O0", 4) is not None:
            errors.append("%s: at -O3 but not in the quarter of before 2026-12-07" % n)
    # make check-cuda's nvcc sample (--sample-every 4): about a quarter of the programs
    cuda = sum(rt.program_sampled(n, 4) for n in names)
    if not 0.15 <= cuda / len(names) <= 0.35:
        errors.append("%d of %d programs compiled by nvcc (a quarter wanted)" % (cuda, len(names)))
    if rt.program_opt_level("samples/heat2d", "-O0", rt.FULL_OPT_EVERY) is not None:
        errors.append("samples/heat2d: not compiled with CFLAGS' -O3")
    for e in errors[:40]:
        print("FAIL " + e)
    print("sampling of %d programs: %d at CFLAGS' -O3; names at each count by grid dimension: %s"
          % (len(names), full, "; ".join("%d-D %s" % (g, dict(sorted(c.items()))) for g, c in sorted(seen.items()))))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
