#!/usr/bin/env python3
"""Distributed benchmark: the 2-D Jacobi on 1 and 2 MPI ranks, weak and strong scaling,
halo overlap on and off, plus a halo-cost model built from the measured figures.

    python3 bench/run_bench_dist.py             # compile, measure, print (about 1-2 minutes on 2 cores)
    python3 bench/run_bench_dist.py --record    # ... and append to bench/RESULTS.md
    python3 bench/run_bench_dist.py --quick     # small sizes, to check the harness (~20 s)
    python3 bench/run_bench_dist.py --wait-idle=120   # first wait (up to 120 s) for idle CPUs

Program: bench/dist/jacobi2d_dist.tyl (the sweep of bench/jacobi2d.tyl with the extents NX and
NY as separate parameters), compiled with bin/tylesc.  Every run is

    OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np P ./jacobi2d_dist \\
        --NX=.. --NY=.. --steps=S --procs=Px1 --stats [--no-overlap]

  weak    each rank owns a B x B block (default B=2048): NX = B*P, NY = B on a Px1 grid, so the
          per-rank block is exactly the same at every rank count;
  strong  one global S x S grid (default 4096) on 1 and P ranks.

Time per step = (total(S steps) - total(0 steps)) / S, where total is the --stats "total"
(max over ranks of the program body: allocation, initialisation, time loop, np.save); the
0-step run removes set-up and np.save.  Best of --reps (default 3) for both, overlap on/off
interleaved.  S is chosen per case from a calibration run so that the fastest configuration's
time loop lasts >= --target seconds (default 1.0); all configurations of a case run the same
S, so their u.npy can be compared bitwise (they must be equal: the result does not depend on
the rank count or on overlap).  GStencil/s = (NX-2)*(NY-2)*S / loop time / 1e9.

From --stats: halo wait (mean over ranks; share of the time loop, and the "% of total" that
--stats prints), halo pack, messages and bytes (sums over ranks, divided by S and by P).
The messages and bytes are checked against what the halo pass predicts (`tylesc
--dump=halo`: the zones exchanged per sweep, with the halo widths).

The model section evaluates t_halo / t_step = (alpha*msgs + bytes/beta) / (t_compute +
alpha*msgs + bytes/beta) for an interior rank of a 1024-rank grid, with t_compute per point
measured here and alpha, beta ASSUMED (--alpha-us, --beta-gbs; default 2 us and 10 GB/s,
an InfiniBand-class network).  Nothing in the recorded text is a figure that was not
measured in the run except those labelled assumed or predicted.
"""
import argparse
import datetime
import math
import os
import re
import shlex
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TYL = os.path.join(HERE, "dist", "jacobi2d_dist.tyl")
RESULTS = os.path.join(HERE, "RESULTS.md")
DEFAULT_TYLESC = os.path.join(REPO, "bin", "tylesc")
DEFAULT_LAUNCHER = "mpirun --allow-run-as-root --oversubscribe"

STATS_HEAD = re.compile(r"tyles stats: (\d+) ranks?, grid (\S+), overlap (on|off)")
STATS_TOTAL = re.compile(r"^\s*total\s+([0-9.eE+-]+) s", re.M)
STATS_WAIT = re.compile(r"halo wait\s+([0-9.eE+-]+) s mean,\s+([0-9.eE+-]+) s max "
                        r"\(([0-9.eE+-]+)% of total\)")
STATS_PACK = re.compile(r"halo pack\s+([0-9.eE+-]+) s mean,\s+([0-9.eE+-]+) s max")
STATS_EXCH = re.compile(r"exchanges\s+(\d+), (\d+) messages, ([0-9.eE+-]+) MB sent in all")
STATS_IMB = re.compile(r"imbalance\s+([0-9.eE+-]+)")
HALO_LAYOUT = re.compile(r"^layout \d+: distributed over a (\d+)-D grid, halo ((?:\d+/\d+ ?)+)$",
                         re.M)
HALO_ZONES = re.compile(r"^\s*# halo (\w+): ([-+0 ]+)$", re.M)


# The harness helpers are run_bench.py's (same folder; its main() runs only as a script).
sys.path.insert(0, HERE)
from run_bench import BenchError, log, machine_info, same_bits, sh  # noqa: E402
import run_bench  # noqa: E402


def run(cmd, cwd=None, env=None):
    """run_bench.run with this script's timeout; returns (stdout, stderr)."""
    _, out, err = run_bench.run(cmd, cwd=cwd, env=env)
    return out, err


def cpu_busy(interval=1.0):
    """Fraction of all CPUs busy over `interval` seconds (from /proc/stat), or None."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v), idle
    try:
        t0, i0 = sample()
        time.sleep(interval)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


# ---- the halo pass's prediction ---------------------------------------------------------------

def halo_dump(tylesc):
    out, _ = run([tylesc, "--dump=halo", TYL])
    lay = HALO_LAYOUT.search(out)
    zones = HALO_ZONES.findall(out)
    if not lay or not zones:
        raise BenchError("tylesc --dump=halo printed no layout/halo lines for %s:\n%s"
                         % (os.path.relpath(TYL, REPO), out[-2000:]))
    widths = [tuple(int(x) for x in w.split("/")) for w in lay.group(2).split()]
    arrays = {}
    for name, codes in zones:
        arrays.setdefault(name, set()).update(codes.split())
    lines = [l.strip() for l in out.splitlines()
             if l.startswith("layout") or l.strip().startswith("# halo")
             or l.strip().startswith("# interior")]
    return widths, arrays, lines


def split(n, parts):
    return [((r + 1) * n) // parts - (r * n) // parts for r in range(parts)]


def predict_exchange(widths, arrays, shape, grid, itemsize=8):
    """Messages and bytes per exchange, summed over all ranks, for a non-periodic block
    distribution of `shape` over `grid`: for every zone (a string of '0', '-', '+' per
    dimension), a rank receives one piece from the neighbour in that direction if it has one.
    Pieces for the same neighbour travel in one message."""
    rank = len(shape)
    ext = [split(shape[d], grid[d]) for d in range(rank)]
    msgs, nbytes = 0, 0
    coords = [[]]
    for d in range(rank):
        coords = [c + [i] for c in coords for i in range(grid[d])]
    for c in coords:
        peers = set()
        for name, codes in arrays.items():
            for code in codes:
                peer, size = [], itemsize
                for d, ch in enumerate(code):
                    if ch == "0":
                        peer.append(c[d])
                        size *= ext[d][c[d]]
                    else:
                        off = -1 if ch == "-" else 1
                        peer.append(c[d] + off)
                        size *= widths[d][0 if ch == "-" else 1]
                if all(0 <= peer[d] < grid[d] for d in range(rank)):
                    peers.add(tuple(peer))
                    nbytes += size
        msgs += len(peers)
    return msgs, nbytes


def interior_rank_halo(widths, arrays, block, itemsize=8):
    """Messages and bytes one rank with neighbours on every side receives per exchange."""
    peers, nbytes = set(), 0
    for name, codes in arrays.items():
        for code in codes:
            size = itemsize
            for d, ch in enumerate(code):
                size *= block[d] if ch == "0" else widths[d][0 if ch == "-" else 1]
            peers.add(code)
            nbytes += size
    return len(peers), nbytes


# ---- runs -------------------------------------------------------------------------------------

def compile_prog(tylesc, builddir):
    if not os.access(tylesc, os.X_OK):
        raise BenchError("the compiler %s is missing; build it first (make)" % tylesc)
    os.makedirs(builddir, exist_ok=True)
    exe = os.path.join(builddir, "jacobi2d_dist")
    if os.path.exists(exe):
        os.remove(exe)
    # one exchange per step, as the halo pass predicts and the halo-cost model assumes: with the
    # default (time tiling on several ranks) deep halos go every K steps (the timetile suite of
    # run_bench.py and tests/dist/timetile_msgs.sh measure that)
    cmd = [tylesc, "--time-tile=off", TYL, "-o", exe]
    log("compile: " + sh(cmd))
    run(cmd)
    return exe


def env1():
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    for k in ("OMP_PROC_BIND", "OMP_PLACES"):
        env.pop(k, None)
    return env


def run_prog(args, exe, ranks, nx, ny, steps, overlap, cwd):
    os.makedirs(cwd, exist_ok=True)
    cmd = (shlex.split(args.launcher) + ["-np", str(ranks), exe, "--NX=%d" % nx, "--NY=%d" % ny,
                                          "--steps=%d" % steps, "--procs=%dx1" % ranks, "--stats"]
           + ([] if overlap else ["--no-overlap"]))
    out, err = run(cmd, cwd=cwd, env=env1())
    text = out + "\n" + err
    head = STATS_HEAD.search(text)
    if not head:
        raise BenchError("no `tyles stats` block from %s:\n%s" % (sh(cmd), text[-2000:]))
    st = {"ranks": int(head.group(1)), "grid": head.group(2), "overlap": head.group(3) == "on"}
    try:
        st["total"] = float(STATS_TOTAL.search(text).group(1))
        w = STATS_WAIT.search(text)
        st["wait_mean"], st["wait_max"], st["wait_pct"] = (float(w.group(i)) for i in (1, 2, 3))
        p = STATS_PACK.search(text)
        st["pack_mean"], st["pack_max"] = float(p.group(1)), float(p.group(2))
        e = STATS_EXCH.search(text)
        st["exchanges"], st["msgs"], st["mb"] = int(e.group(1)), int(e.group(2)), float(e.group(3))
        st["imbalance"] = float(STATS_IMB.search(text).group(1))
    except AttributeError:
        raise BenchError("unexpected --stats format from %s:\n%s" % (sh(cmd), text[-2000:]))
    if st["ranks"] != ranks or st["overlap"] != overlap:
        raise BenchError("%s reported %d ranks, overlap %s" % (sh(cmd), st["ranks"], st["overlap"]))
    return st


def bench_case(args, exe, case, configs, rundir, predicted):
    """configs: list of (ranks, nx, ny).  Returns (rows, check lines, failures)."""
    # calibration: 0 and C steps, overlap on, per rank count
    C = args.calib_steps
    rate = {}
    for (p, nx, ny) in configs:
        d = os.path.join(rundir, "%s-cal-%d" % (case, p))
        log("%s: calibrate P=%d %dx%d" % (case, p, nx, ny))
        t0 = run_prog(args, exe, p, nx, ny, 0, True, d)["total"]
        c = C
        while True:
            diff = run_prog(args, exe, p, nx, ny, c, True, d)["total"] - t0
            # the set-up time varies too: trust only a loop of >= 0.2 s (or 1/4 of the target)
            if diff >= min(0.2, args.target / 4):
                break
            c *= int(min(16, max(2, math.ceil(0.3 / max(diff, 0.02)))))
        rate[p] = diff / c
        shutil.rmtree(d, ignore_errors=True)
    # 30% margin: the calibration is one short run, and the set-up time it subtracts varies
    steps = int(math.ceil(1.3 * args.target / min(rate.values()) / 2.0)) * 2
    # never let a noisy calibration make the slowest configuration run for ages
    steps = max(2, min(steps, int(5 * args.target / max(rate.values())) // 2 * 2))
    log("%s: %d steps per run (calibrated s/step: %s)"
        % (case, steps, ", ".join("P=%d %.4g" % (p, r) for p, r in sorted(rate.items()))))

    best = {}    # (p, overlap) -> stats of the fastest run
    setup = {}   # p -> fastest 0-step total
    for rep in range(args.reps):
        for (p, nx, ny) in configs:
            d0 = os.path.join(rundir, "%s-setup-%d" % (case, p))
            s0 = run_prog(args, exe, p, nx, ny, 0, True, d0)
            setup[p] = min(setup.get(p, s0["total"]), s0["total"])
            order = (True, False) if rep % 2 == 0 else (False, True)
            for ov in order:
                log("%s: P=%d %dx%d steps=%d overlap %s, rep %d/%d"
                    % (case, p, nx, ny, steps, "on" if ov else "off", rep + 1, args.reps))
                d = os.path.join(rundir, "%s-%d-%s" % (case, p, "on" if ov else "off"))
                st = run_prog(args, exe, p, nx, ny, steps, ov, d)
                if (p, ov) not in best or st["total"] < best[(p, ov)]["total"]:
                    best[(p, ov)] = st

    rows, checks, failures = [], [], 0
    ref_dir = {}
    for (p, nx, ny) in configs:
        for ov in (True, False):
            st = best[(p, ov)]
            loop = st["total"] - setup[p]
            if loop <= 0:
                raise BenchError("%s P=%d: time loop %.3g s <= 0 (set-up %.3g s): increase --target"
                                 % (case, p, loop, setup[p]))
            pm, pb = predicted[(case, p)]
            rows.append({
                "case": case, "p": p, "grid": st["grid"], "nx": nx, "ny": ny,
                "block": (nx // p, ny), "steps": steps, "overlap": ov,
                "loop": loop, "setup": setup[p], "t_step": loop / steps,
                "gst": (nx - 2) * (ny - 2) * steps / loop / 1e9,
                "wait_loop": st["wait_mean"] / loop, "wait_pct": st["wait_pct"],
                "wait_step": st["wait_mean"] / steps, "wait_max_step": st["wait_max"] / steps,
                "pack_step": st["pack_mean"] / steps,
                "exch_step": st["exchanges"] / steps,
                "msgs_step": st["msgs"] / steps, "bytes_step_rank": st["mb"] * 1e6 / steps / p,
                "pred_msgs": pm, "pred_bytes_rank": pb / p,
                "imbalance": st["imbalance"],
            })
        # outputs: every configuration of the same global grid must give the same u.npy
        for ov in (True, False):
            d = os.path.join(rundir, "%s-%d-%s" % (case, p, "on" if ov else "off"))
            key = (nx, ny)
            if key not in ref_dir:
                ref_dir[key] = (d, p, ov)
                continue
            rd, rp, rov = ref_dir[key]
            eq, why = same_bits(os.path.join(rd, "u.npy"), os.path.join(d, "u.npy"))
            checks.append("%s %dx%d, %d steps: u.npy of P=%d overlap %s vs P=%d overlap %s: %s"
                          % (case, nx, ny, steps, p, "on" if ov else "off", rp,
                             "on" if rov else "off", why))
            failures += not eq
    for r in rows:
        r["on_off"] = None
        if r["overlap"]:
            off = [x for x in rows if x["p"] == r["p"] and not x["overlap"]][0]
            r["on_off"] = r["t_step"] / off["t_step"]
        one = [x for x in rows if x["p"] == 1 and x["overlap"] == r["overlap"]]
        if one:
            t1 = one[0]["t_step"]
            r["eff"] = t1 / r["t_step"] if case == "weak" else t1 / (r["p"] * r["t_step"])
        else:
            r["eff"] = None
        r["counts_ok"] = (round(r["msgs_step"], 6) == r["pred_msgs"]
                          and abs(r["bytes_step_rank"] - r["pred_bytes_rank"])
                          <= max(1.0, 0.002 * r["pred_bytes_rank"]) + 500.0 / r["steps"] / r["p"])
    if not args.keep:
        for name in os.listdir(rundir):
            if name.startswith(case + "-"):
                shutil.rmtree(os.path.join(rundir, name), ignore_errors=True)
    return rows, checks, failures


def numpy_check(args, exe, rundir, ranks, nx, ny, steps):
    """The program on 1 and `ranks` ranks (overlap on and off) against NumPy running the .tyl
    itself, NX x NY, `steps` steps. Returns (check lines, failures)."""
    ndir = os.path.join(rundir, "check-numpy")
    os.makedirs(ndir, exist_ok=True)
    log("check: NumPy %dx%d, %d steps" % (nx, ny, steps))
    run([sys.executable, "-c", run_bench.NUMPY_DRIVER, TYL, "NX=%d" % nx, "NY=%d" % ny,
         "steps=%d" % steps], cwd=ndir, env=run_bench.numpy_env())
    checks, failures = [], 0
    for p in sorted({1, ranks}):
        for ov in (True, False):
            d = os.path.join(rundir, "check-%d-%s" % (p, "on" if ov else "off"))
            run_prog(args, exe, p, nx, ny, steps, ov, d)
            eq, why = same_bits(os.path.join(ndir, "u.npy"), os.path.join(d, "u.npy"))
            checks.append("%dx%d, %d steps: u.npy of P=%d overlap %s vs NumPy: %s"
                          % (nx, ny, steps, p, "on" if ov else "off", why))
            failures += not eq
    return checks, failures


def noise_note(rows):
    """On 1 rank nothing is exchanged, so overlap on/off should time the same: how far the
    ratio is from 1 there is this run's own measure of noise."""
    dev = [abs(r["on_off"] - 1) for r in rows if r["p"] == 1 and r["on_off"] is not None]
    multi = ["%s %.3g" % (r["case"], r["on_off"]) for r in rows
             if r["p"] > 1 and r["on_off"] is not None]
    return ("noise: on 1 rank, where no message is sent, on/off differs from 1 by up to %.0f%% "
            "in this run; the %d-rank on/off ratios (%s) are to be read against that."
            % (100 * max(dev), max(r["p"] for r in rows), ", ".join(multi)))


# ---- output -----------------------------------------------------------------------------------

def g(x, digits=3):
    if x is None:
        return "—"
    return "%.*g" % (digits, x) if abs(x) < 10 ** digits else "%.0f" % x


def table(rows):
    out = [
        "| scaling | ranks (grid) | global grid | block per rank | steps | overlap | ms/step "
        "| GStencil/s | efficiency | on/off | halo wait % of loop (% of total, --stats) "
        "| halo wait ms/step mean (max) | halo pack ms/step | msgs/step all ranks (per rank) "
        "| kB/step per rank | = halo pass | imbalance |",
        "|---|---|---|---|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|",
    ]
    for r in rows:
        bx, by = r["block"]
        out.append("| %s | %d (%s) | %dx%d | %dx%d = %.2f M | %d | %s | %s | %s | %s | %s "
                   "| %.1f%% (%.1f%%) | %s (%s) | %s | %s (%s) | %s | %s | %s |" % (
                       r["case"], r["p"], r["grid"], r["nx"], r["ny"], bx, by, bx * by / 1e6,
                       r["steps"], "on" if r["overlap"] else "off", g(r["t_step"] * 1e3, 4),
                       g(r["gst"]), g(r["eff"]), g(r["on_off"]),
                       100 * r["wait_loop"], r["wait_pct"],
                       g(r["wait_step"] * 1e3), g(r["wait_max_step"] * 1e3),
                       g(r["pack_step"] * 1e3), g(r["msgs_step"]), g(r["msgs_step"] / r["p"]),
                       g(r["bytes_step_rank"] / 1e3, 4), "yes" if r["counts_ok"] else "**NO**",
                       g(r["imbalance"], 4)))
    return "\n".join(out)


def model_text(args, rows, widths, arrays):
    """The halo-cost model, evaluated with t_compute per point measured in this run."""
    alpha = args.alpha_us * 1e-6
    beta = args.beta_gbs * 1e9
    B = args.block
    R = args.model_ranks
    q = int(round(math.sqrt(R)))
    one = [r for r in rows if r["case"] == "weak" and r["p"] == 1 and not r["overlap"]][0]
    t_pt = one["t_step"] / ((B - 2) * (B - 2))
    mg, ig = widths[0], widths[1] if len(widths) > 1 else (0, 0)

    def predict(block):
        m, b = interior_rank_halo(widths, arrays, (block, block))
        t_c = block * block * t_pt
        t_int = max(block - mg[0] - mg[1], 0) * max(block - ig[0] - ig[1], 0) * t_pt
        t_h = alpha * m + b / beta
        exposed = max(0.0, t_h - t_int)
        return {"block": block, "m": m, "b": b, "t_c": t_c, "t_int": t_int, "t_h": t_h,
                "off": t_h / (t_c + t_h), "on": exposed / (t_c + exposed),
}

    strong_block = args.strong // q if q * q == R else None
    cases = [("weak, %d ranks (%dx%d grid), %dx%d per rank" % (R, q, q, B, B), predict(B))]
    if strong_block:
        cases.append(("strong, %d^2 on %d ranks (%dx%d grid), %dx%d per rank"
                      % (args.strong, R, q, q, strong_block, strong_block), predict(strong_block)))
    for blk in (512, 128):
        if blk not in (B, strong_block):
            cases.append(("block %dx%d per rank (any rank count)" % (blk, blk), predict(blk)))

    zones = ", ".join("%s: %s" % (k, " ".join(sorted(v))) for k, v in sorted(arrays.items()))
    faces = all(sum(ch != "0" for ch in z) == 1 for v in arrays.values() for z in v)
    lines = [
        "### Halo-cost model (measured here vs assumed for a cluster)",
        "",
        "From the halo pass (`bin/tylesc --dump=halo bench/dist/jacobi2d_dist.tyl`): halo widths "
        "%s (lo/hi per dimension), zones exchanged per sweep %s — %s. So per time step a rank with "
        "neighbours on all four sides receives (and sends) m = %d messages, and for an n x n f64 "
        "block b = 4 * n * 8 bytes (one row or column of n doubles per face)."
        % (" ".join("%d/%d" % w for w in widths), zones,
           "faces only, no corners (5-point stencil)" if faces else "including corners",
           interior_rank_halo(widths, arrays, (B, B))[0]),
        "",
        "    t_halo = alpha * m + b / beta          (exchange of one step, one rank)",
        "    halo share, no overlap   = t_halo / (t_compute + t_halo)",
        "    halo share, with overlap = e / (t_compute + e),  e = max(0, t_halo - t_interior)",
        "    t_compute = n^2 * t_pt,  t_interior = (n-2)^2 * t_pt  (points that read no halo)",
        "",
        "- **measured here**: t_pt = %.3g ns per point updated = the 1-rank weak run without "
        "overlap (%.4g ms/step for (%d-2)^2 points, one core); the message and byte counts in the "
        "table above (equal to the halo pass's prediction)."
        % (t_pt * 1e9, one["t_step"] * 1e3, B),
        "- **assumed** for a cluster (not measured; InfiniBand class): alpha = %g us per message, "
        "beta = %g GB/s per rank, messages of a rank's four faces not contending with each "
        "other, and the same t_pt per rank (one rank per core)." % (args.alpha_us, args.beta_gbs),
        "",
        "| case (interior rank) | m | b | t_compute | t_interior | t_halo (assumed alpha, beta) "
        "| predicted halo share, no overlap | predicted, with overlap |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p in cases:
        lines.append("| %s | %d | %d B | %s us | %s us | %s us | %.3g%% | %.3g%% |" % (
            name, p["m"], p["b"], g(p["t_c"] * 1e6), g(p["t_int"] * 1e6), g(p["t_h"] * 1e6),
            100 * p["off"], 100 * p["on"]))
    w = cases[0][1]
    reading = ("Reading: for an interior rank the predicted share depends on the block per rank, "
               "not on the rank count. At the weak-scaling block (%dx%d) the exchange is predicted "
               "at %.2g%% of a step without overlap and %.2g%% with it" % (B, B, 100 * w["off"],
                                                                         100 * w["on"]))
    if strong_block:
        s_ = cases[1][1]
        reading += ("; strong scaling of %d^2 to %d ranks leaves %dx%d per rank, where it is "
                    "%.2g%% without overlap and %.2g%% with it (overlap hides the transfer only "
                    "while t_interior > t_halo)" % (args.strong, R, strong_block, strong_block,
                                                    100 * s_["off"], 100 * s_["on"]))
    reading += "."
    packs = [r for r in rows if r["p"] > 1 and r["overlap"]]
    if packs:
        reading += (" Packing and unpacking (not hidden by overlap, not in the formula) measured "
                    "here: " + ", ".join("%.3g us per step for %.4g kB per rank (%s)"
                                         % (r["pack_step"] * 1e6, r["bytes_step_rank"] / 1e3,
                                            r["case"]) for r in packs)
                    + ", buffer malloc/free and the search for the pieces included; with two "
                    "sizes only, and contiguous row faces only, no per-byte rate is derived from "
                    "them.")
    lines += [
        "",
        reading,
        "",
        "What the model leaves out, and what decides real scaling at %d ranks: ranks sharing a "
        "node's memory bandwidth (t_pt per rank rises when all cores of a node stream at once, "
        "which makes the halo share smaller), network contention, operating-system noise (each "
        "step synchronises a rank with its neighbours, so one late rank delays the others), the "
        "run time's per-exchange bookkeeping (inside the halo pack figure at %d ranks; how it "
        "grows with the rank count cannot be measured here), and "
        "MPI progress: overlap hides a transfer only if the library moves it while the rank "
        "computes (messages under the eager limit, or hardware/asynchronous progress for larger "
        "ones)." % (R, args.ranks),
        "",
        "What the %d-rank figures above can and cannot show: the ranks run on the cores of one "
        "machine and exchange through shared memory, so a message costs a memory copy, not a "
        "network transfer. The measured halo wait is then mostly waiting for the other rank to "
        "finish its sweep (the ranks share the memory bandwidth, and the cores with whatever else "
        "runs), not latency or bandwidth, and the on/off ratio shows how much of that skew the "
        "interior sweep absorbs. This is not cluster behaviour; the %d-rank figures are model "
        "predictions from t_pt measured here and alpha, beta assumed." % (args.ranks, R),
    ]
    return "\n".join(lines)


def record_section(title, info, quick, text):
    """Append `text` to bench/RESULTS.md under a heading with the time, the machine, the exact
    command line of this run and the tool versions (shared by the benchmark scripts)."""
    cmd = "python3 " + " ".join(shlex.quote(a) for a in
                                [os.path.relpath(os.path.abspath(sys.argv[0]), REPO)] + sys.argv[1:])
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        "",
        "## %s — %s — %s, %s cores%s" % (title, stamp, info["model"], info["cores"],
                                         " — QUICK sizes" if quick else ""),
        "",
        "- command: `%s` (from the repository root)" % cmd,
        "- %s; %s; Python %s; git %s" % (info["gcc"], info["mpirun"], info["python"], info["git"]),
        "",
        "",
    ]
    with open(RESULTS, "a") as f:
        f.write("\n".join(header) + text)
    log("recorded in %s" % os.path.relpath(RESULTS, REPO))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tylesc", default=DEFAULT_TYLESC)
    ap.add_argument("--launcher", default=DEFAULT_LAUNCHER,
                    help="MPI launcher without -np (default: %(default)s)")
    ap.add_argument("--ranks", type=int, default=2, help="the multi-rank count (default 2)")
    ap.add_argument("--block", type=int, default=2048, help="weak scaling: B x B per rank")
    ap.add_argument("--strong", type=int, default=4096, help="strong scaling: S x S in all")
    ap.add_argument("--target", type=float, default=1.0,
                    help="seconds of time loop for the fastest configuration (default 1.0)")
    ap.add_argument("--calib-steps", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--alpha-us", type=float, default=2.0, help="ASSUMED latency (model)")
    ap.add_argument("--beta-gbs", type=float, default=10.0, help="ASSUMED bandwidth (model)")
    ap.add_argument("--model-ranks", type=int, default=1024)
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="first wait up to SECONDS for the CPUs to be idle (< 10%% busy over 5 s)")
    ap.add_argument("--quick", action="store_true",
                    help="block 256, strong 512, target 0.2 s, 1 rep (harness check)")
    ap.add_argument("--keep", action="store_true", help="keep the run directories")
    ap.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.block, args.strong, args.target, args.reps = 256, 512, 0.2, 1
    if args.ranks < 2 or args.reps < 1 or args.block < 8 or args.strong < 8:
        ap.error("need --ranks >= 2, --reps >= 1, sizes >= 8")
    t_start = time.perf_counter()
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise SystemExit("run_bench_dist.py: error: numpy is required (bitwise checks)")

    tylesc = os.path.abspath(args.tylesc)
    builddir = os.path.join(HERE, "build", "dist")
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    rundir = tempfile.mkdtemp(prefix="tyles-bench-dist-", dir=base)
    try:
        exe = compile_prog(tylesc, builddir)
        widths, arrays, halo_lines = halo_dump(tylesc)
        P = args.ranks
        weak = [(1, args.block, args.block), (P, args.block * P, args.block)]
        strong = [(1, args.strong, args.strong), (P, args.strong, args.strong)]
        predicted = {}
        for case, cfgs in (("weak", weak), ("strong", strong)):
            for (p, nx, ny) in cfgs:
                predicted[(case, p)] = predict_exchange(widths, arrays, (nx, ny), (p, 1))

        t_wait0 = time.perf_counter()
        if args.wait_idle > 0:
            t_end = time.time() + args.wait_idle
            while True:
                b = cpu_busy(5.0)
                if b is None or b < 0.10 or time.time() > t_end:
                    break
                log("waiting for idle CPUs (%.0f%% busy over 5 s)" % (100 * b))
        waited = time.perf_counter() - t_wait0
        busy_before = cpu_busy()
        load_before = os.getloadavg()[0]
        if busy_before is not None and busy_before > 0.10:
            log("warning: CPUs %.0f%% busy before the run: other processes share the 2 cores, "
                "figures will be noisy" % (100 * busy_before))
        info = machine_info()
        rows, checks, failures = [], [], 0
        for case, cfgs in (("weak", weak), ("strong", strong)):
            r, c, f = bench_case(args, exe, case, cfgs, rundir, predicted)
            rows += r
            checks += c
            failures += f
        # the configurations agree with each other bitwise (above); and with NumPy, here on
        # the strong grid at a few steps (NumPy's own speed limits the count)
        c, f = numpy_check(args, exe, rundir, P, args.strong, args.strong, 10)
        checks += c
        failures += f
        busy_after = cpu_busy()
        load_after = os.getloadavg()[0]
    except BenchError as e:
        print("run_bench_dist.py: error: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(rundir, ignore_errors=True)
        else:
            log("run directories kept in %s" % rundir)

    elapsed = time.perf_counter() - t_start - waited
    shortest = min(rows, key=lambda r: r["loop"])
    notes = [
        "program: bench/dist/jacobi2d_dist.tyl (bin/tylesc --time-tile=off: one exchange per step); each run `OMP_NUM_THREADS=1 %s -np "
        "P ./jacobi2d_dist --NX=.. --NY=.. --steps=S --procs=Px1 --stats [--no-overlap]`"
        % args.launcher,
        "ms/step = (--stats total at S steps − total at 0 steps) / S, both best of %d (overlap "
        "on/off interleaved); the 0-step run (allocation, initialisation, np.save) took %s s."
        % (args.reps, ", ".join("%s P=%d %.3g" % (r["case"], r["p"], r["setup"])
                                for r in rows if r["overlap"])),
        "GStencil/s = (NX-2)(NY-2) * S / loop time / 1e9. efficiency: weak t(1)/t(P), strong "
        "t(1)/(P t(P)), same overlap setting. on/off = ms/step with overlap / without (< 1: "
        "overlap helps). On 1 rank no message is sent: "
        "on/off there measures only the split of the sweep into interior and boundary strips "
        "(and noise).",
        "halo wait = --stats mean over ranks of the time in MPI_Waitall; its share of the time "
        "loop, and in parentheses the share of the whole program that --stats prints. msgs and "
        "bytes: --stats sums over ranks / S (bytes also / P); \"= halo pass\": equal to the "
        "counts predicted from `tylesc --dump=halo` for that grid.",
        "halo pass: " + "; ".join(halo_lines),
        noise_note(rows),
        "CPUs busy before/after the run (other processes): %s / %s; load average %.2f / %.2f; "
        "run took %.0f s%s." % ("?" if busy_before is None else "%.0f%%" % (100 * busy_before),
                                "?" if busy_after is None else "%.0f%%" % (100 * busy_after),
                                load_before, load_after, elapsed,
                                " (after %.0f s waiting for idle CPUs)" % waited
                                if waited >= 1 else ""),
        "shortest time loop: %.2f s (%s, %d rank%s, overlap %s)%s."
        % (shortest["loop"], shortest["case"], shortest["p"], "" if shortest["p"] == 1 else "s",
           "on" if shortest["overlap"] else "off",
           "" if shortest["loop"] >= args.target else
           " — SHORTER than the --target of %g s (calibration was off)" % args.target),
    ]
    text = ("### Distributed 2-D Jacobi: weak and strong scaling on 1 and %d ranks\n\n" % args.ranks
            + table(rows) + "\n\n" + "\n".join("- " + s for s in notes + checks) + "\n\n"
            + model_text(args, rows, widths, arrays) + "\n")
    print(text)
    if failures:
        print("run_bench_dist.py: error: %d bitwise check(s) failed" % failures, file=sys.stderr)
    if args.record:
        record_section("Distributed (MPI)", info, args.quick, text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
