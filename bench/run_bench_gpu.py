#!/usr/bin/env python3
"""make bench-gpu: Jacobi 2-D (16384^2) and 3-D 7-point (512^3), float64 and float32, compiled
with tylesc --target=cuda, beside the device's copy bandwidth measured in the same run (the
streaming roofline: copy GB/s / (2 * element size) points per second), CuPy on the same
problem when it is installed, and the per-step cost of a tiny grid (launch overhead), with the
time loop replayed from a CUDA graph and with plain launches.

A program's time per step is the difference of two runs with different step counts, divided by
the difference, so allocation, start-up and the final copy-back are not counted.
Usage: run_bench_gpu.py [--no-mpi] [--record] [--quick]
"""
import argparse
import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "bench", "build", "gpu")

CASES = [  # (file, label, N, steps_lo, steps_hi, dims, dtype bytes, cupy dtype)
    ("jacobi2d_f64.tyl", "Jacobi 2-D f64", 16384, 5, 55, 2, 8, "float64"),
    ("jacobi2d_f32.tyl", "Jacobi 2-D f32", 16384, 5, 105, 2, 4, "float32"),
    ("jacobi3d_f64.tyl", "Jacobi 3-D f64", 512, 5, 55, 3, 8, "float64"),
    ("jacobi3d_f32.tyl", "Jacobi 3-D f32", 512, 5, 105, 3, 4, "float32"),
]


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("bench-gpu: %s failed (%d):\n%s%s" % (" ".join(argv), r.returncode, r.stdout, r.stderr))
    return r


def prog_time(exe, n, steps, pre=(), extra=()):
    r = run(list(pre) + [exe, "--N=%d" % n, "--steps=%d" % steps, "--time"] + list(extra), cwd=B)
    m = re.search(r"tyles: time ([0-9.eE+-]+) s", r.stderr)
    return float(m.group(1))


def per_step(exe, n, lo, hi, reps=3, pre=(), extra=()):
    best = None
    for _ in range(reps):
        t = (prog_time(exe, n, hi, pre, extra) - prog_time(exe, n, lo, pre, extra)) / (hi - lo)
        best = t if best is None or t < best else best
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-mpi", action="store_true")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--quick", action="store_true")
    opts = ap.parse_args()
    os.makedirs(B, exist_ok=True)
    tylesc = os.path.join(ROOT, "bin", "tylesc")
    flags = ["--target=cuda"] + (["--no-mpi"] if opts.no_mpi else [])
    run(["nvcc", "-O3", "-o", os.path.join(B, "copybw"), os.path.join(ROOT, "bench", "gpu", "copybw.cu")])
    try:
        import cupy  # noqa: F401
        have_cupy = True
    except Exception:
        have_cupy = False
    rows = []
    device = ""
    for f, label, n, lo, hi, dims, el, dt in CASES:
        if opts.quick:
            n = 1024 if dims == 2 else 128
        exe = os.path.join(B, f[:-4])
        run([tylesc] + flags + [os.path.join(ROOT, "bench", "gpu", f), "-o", exe])
        exe_fmad = exe + "_fmad"
        run([tylesc] + flags + ["--fmad", os.path.join(ROOT, "bench", "gpu", f), "-o", exe_fmad])
        bw_out = run([os.path.join(B, "copybw"), str(n ** dims * el)]).stdout
        device = re.search(r"device (.*)", bw_out).group(1)
        bw = float(re.search(r"copy ([0-9.]+) GB/s", bw_out).group(1))
        pts = (n - 2) ** dims
        t = per_step(exe, n, lo, hi)
        tf = per_step(exe_fmad, n, lo, hi)
        roof = bw * 1e9 / (2 * el)  # points per second at the copy bandwidth
        row = {"case": label, "N": n, "gst": pts / t / 1e9, "gst_fmad": pts / tf / 1e9,
               "roof": roof / 1e9, "frac": pts / t / roof, "bw": bw, "ms": t * 1e3}
        if have_cupy:
            r = run([sys.executable, os.path.join(ROOT, "bench", "gpu", "cupy_jacobi.py"), str(dims), str(n),
                     str(hi - lo), dt])
            tc = float(r.stdout.strip().splitlines()[-1])
            row["cupy"] = pts / tc / 1e9
        rows.append(row)
        print(row, flush=True)
    # per-step overhead: a grid so small that the step is all overhead, with the time loop
    # replayed from a CUDA graph (the default) and with plain launches (TYLES_NO_GRAPHS=1)
    small = os.path.join(B, "jacobi2d_f64")
    overhead = per_step(small, 64, 100, 2100)
    os.environ["TYLES_NO_GRAPHS"] = "1"
    overhead_plain = per_step(small, 64, 100, 2100)
    del os.environ["TYLES_NO_GRAPHS"]
    # two ranks on the one device: halos through pinned host buffers and MPI, the interior
    # computed while they travel (the default) or not (--no-overlap)
    shared = None
    if not opts.no_mpi and shutil.which("mpirun"):
        f, label, n, lo, hi = CASES[0][:5]
        if opts.quick:
            n = 1024
        exe = os.path.join(B, f[:-4])
        mpi = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"]
        st = run(mpi + [exe, "--N=%d" % n, "--steps=%d" % lo, "--stats"], cwd=B).stderr
        how = re.search(r"sent in all, through (.*)", st).group(1)
        shared = (label, n, per_step(exe, n, lo, hi, pre=mpi), per_step(exe, n, lo, hi, pre=mpi, extra=["--no-overlap"]),
                  rows[0]["ms"] / 1e3, how)
    lines = []
    lines.append("Device: %s. Command: `%s`." % (device, " ".join(shlex.quote(a) for a in sys.argv)))
    lines.append("")
    lines.append("| case | N | ms/step | GStencil/s | fraction of roofline | roofline GStencil/s (copy GB/s) | with --fmad | CuPy |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        lines.append("| %s | %d | %.3f | %.1f | %.0f%% | %.1f (%.0f) | %.1f | %s |" % (
            r["case"], r["N"], r["ms"], r["gst"], 100 * r["frac"], r["roof"], r["bw"], r["gst_fmad"],
            ("%.1f" % r["cupy"]) if "cupy" in r else "not installed"))
    lines.append("")
    lines.append("Per-step cost of a 64x64 Jacobi: %.2f us with the time loop replayed from a CUDA graph, "
                 "%.2f us with plain kernel launches (TYLES_NO_GRAPHS=1)." % (overhead * 1e6, overhead_plain * 1e6))
    if shared:
        label, n, t_ov, t_no, t_one, how = shared
        lines.append("")
        lines.append("%s %d^2 on 2 ranks sharing the device (halos through %s, as --stats reports): "
                     "%.3f ms/step with the interior computed while the halos travel, %.3f ms/step with "
                     "--no-overlap; %.3f ms/step on 1 rank." % (label, n, how, t_ov * 1e3, t_no * 1e3, t_one * 1e3))
    text = "\n".join(lines)
    print(text)
    out = os.environ.get("OUT")
    if out:
        with open(os.path.join(out, "bench_gpu.md"), "w") as f:
            f.write(text + "\n")
    if opts.record:
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), "a") as f:
            f.write("\n## GPU: make bench-gpu, %s\n\n%s\n" % (datetime.date.today().isoformat(), text))


if __name__ == "__main__":
    main()
