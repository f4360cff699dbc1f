#!/usr/bin/env python3
"""Elastic-runtime benchmark: reconfiguration latency, checkpoint bandwidth, failure-free
overhead of checkpointing, and a campaign of random kills with relaunch on other rank counts.

    python3 bench/run_bench_elastic.py             # compile, measure, print (~5-10 min on 2 cores)
    python3 bench/run_bench_elastic.py --record    # ... and append to bench/RESULTS.md
    python3 bench/run_bench_elastic.py --quick     # 1 and 16 MiB, 5 kills (~1 min)
    python3 bench/run_bench_elastic.py --wait-idle=120   # first wait (up to 120 s) for idle CPUs

Program: bench/elastic/heat2d.tyl, a 2-D explicit heat stencil whose loop state is two float64
N x N arrays (u, un): N = 256, 1024, 2896, 8192 give 1 MiB, 16 MiB, 128 MiB, 1 GiB of live
arrays.  Every run is `OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe --bind-to
none -np P ./heat2d --N=.. --steps=.. [options]` with TYLES_EVENT_LOG set; the phases come from
the event log the runtime writes (runtime/elastic/tyl_event.c: "UNIXTIME event key=value",
written by rank 0, CLOCK_REALTIME) and from time.time() taken here around the launches, on the
same clock.

1. Reconfiguration latency, per state size:
   relaunch   2 ranks, --checkpoint-every=K, rank 1 killed by fault injection
              (TYLES_FAULT_KILL_RANK=1, TYLES_FAULT_KILL_STEP after the first checkpoint),
              mpirun run with --mca odls_base_sigkill_timeout 0; then --restart on 1 rank.
              detection      = mpirun exit (time.time() here) - 'killed' event
              relaunch+init  = 'init' event - launch of the restart job (time.time() here)
              verify         = ckpt-verify seconds (every file read and CRC32C-checked)
              setup          = from ckpt-verify to the start of ckpt-read (the program's own
                               allocation and initialisation before its time loop)
              read           = ckpt-read seconds
              first step     = 'first-step' event - 'ckpt-read' event
              The restart runs twice from the same checkpoint: page cache warm (as left by the
              writer), then with the checkpoint's files evicted (posix_fadvise DONTNEED).
              The detection of mpirun's default setup (no --mca) is measured too.
   in-process 2 ranks; DIR/RESCALE = 1 and SIGUSR1 to mpirun (shrink), then DIR/RESCALE = 2 and
              SIGUSR1 (grow, MPI_Comm_spawn); from the 'rescale' event: total seconds, spawn,
              redistribution = seconds - spawn; and the wait for the step boundary = start of
              the rescale - the signal sent here.  The job is then stopped with SIGUSR2.
2. Checkpoint bandwidth: ckpt-write / ckpt-read bytes and seconds, beside dd of the same bytes
   in the same folder (write: conv=fsync; read: from the page cache, and iflag=direct).
3. Failure-free overhead at 16 MiB (128 MiB without --quick is too slow for the time box) on
   2 ranks against --checkpoint-every, and the Young/Daly optimum interval for an ASSUMED MTBF.
4. Campaign: random rank counts 2-4, random killed rank and step (TYLES_FAULT_* random with
   distinct seeds), relaunch with --restart on another random rank count 1-4 (up to 3 tries);
   the u.npy of every survivor is compared bitwise with an uninterrupted run.
Nothing printed is a figure not measured in the run, except what is labelled assumed/predicted.
"""
import argparse
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TYL = os.path.join(HERE, "elastic", "heat2d.tyl")
RESULTS = os.path.join(HERE, "RESULTS.md")
DEFAULT_TYLESC = os.path.join(REPO, "bin", "tylesc")
LAUNCHER = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]
FAST_KILL = ["--mca", "odls_base_sigkill_timeout", "0"]
MIB = 1 << 20
JOB_TIMEOUT = 300

# state size (MiB) -> N (2 * 8 * N^2 bytes ~ size), and the relaunch run: steps, K, kill step
SIZES = {
    1: {"N": 256, "steps": 400, "every": 100, "kill": 250},
    16: {"N": 1024, "steps": 200, "every": 50, "kill": 120},
    128: {"N": 2896, "steps": 40, "every": 10, "kill": 15},
    1024: {"N": 8192, "steps": 6, "every": 3, "kill": 4},
}

sys.path.insert(0, HERE)
from run_bench import BenchError, log, machine_info, same_bits, sh  # noqa: E402
import run_bench  # noqa: E402
from run_bench_dist import cpu_busy, record_section  # noqa: E402

EV_RE = re.compile(r'([A-Za-z_][\w-]*)=("[^"]*"|\S+)')


def env_base(evlog=None, faults=None):
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    for k in list(env):
        if k.startswith("TYLES_FAULT_") or k in ("OMP_PROC_BIND", "OMP_PLACES", "TYLES_EVENT_LOG"):
            del env[k]
    if evlog:
        env["TYLES_EVENT_LOG"] = evlog
    env.update(faults or {})
    return env


def read_events(path):
    evs = []
    if not os.path.exists(path):
        return evs
    with open(path) as f:
        for line in f:
            p = line.split(None, 2)
            if len(p) < 2:
                continue
            try:
                ts = float(p[0])
            except ValueError:
                continue
            kv = {k: v.strip('"') for k, v in EV_RE.findall(p[2] if len(p) > 2 else "")}
            evs.append({"t": ts, "ev": p[1], **kv})
    return evs


def find(evs, name, after=None, last=False):
    c = [e for e in evs if e["ev"] == name and (after is None or e["t"] >= after)]
    if not c:
        return None
    return c[-1] if last else c[0]


class Job:
    """One mpirun, started in its own session, stdout+stderr to a file."""

    def __init__(self, np_, exe, prog_args, cwd, env, mpi_extra=()):
        os.makedirs(cwd, exist_ok=True)
        self.cmd = LAUNCHER + list(mpi_extra) + ["-np", str(np_), exe] + list(prog_args)
        self.out = open(os.path.join(cwd, "out-%d.txt" % int(time.time() * 1e6)), "w+")
        self.t_launch = time.time()
        self.p = subprocess.Popen(self.cmd, cwd=cwd, env=env, stdout=self.out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.t_exit = None
        self.rc = None

    def wait(self, timeout=JOB_TIMEOUT):
        try:
            self.rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError("timed out after %d s: %s" % (timeout, sh(self.cmd)))
        self.t_exit = time.time()
        return self.rc

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except OSError:
            pass
        self.p.wait()

    def text(self):
        self.out.flush()
        self.out.seek(0)
        t = self.out.read()
        return t[-3000:]


def run_job(np_, exe, prog_args, cwd, env, mpi_extra=(), expect=0):
    j = Job(np_, exe, prog_args, cwd, env, mpi_extra)
    rc = j.wait()
    if expect is not None and rc != expect:
        raise BenchError("exit %d (expected %s): %s\n%s" % (rc, expect, sh(j.cmd), j.text()))
    return j


def evict(folder):
    """Drop the page-cache pages of every file under folder (clean pages: no root needed)."""
    for root, _, files in os.walk(folder):
        for f in files:
            fd = os.open(os.path.join(root, f), os.O_RDONLY)
            try:
                os.fdatasync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def dd_rates(folder, nbytes):
    """dd of nbytes: write with conv=fsync, read from the page cache, read with iflag=direct.
    Returns GB/s (1e9 B/s) each, from dd's own elapsed time."""
    count = max(1, nbytes // MIB)
    path = os.path.join(folder, "dd.bin")

    def dd(args):
        _, _, err = run_bench.run(["dd"] + args, check=True)
        m = re.search(r"^(\d+) bytes .* copied, ([0-9.eE+-]+) s", err, re.M)
        if not m:
            raise BenchError("dd printed no rate: %r" % err)
        return int(m.group(1)) / float(m.group(2)) / 1e9

    w = dd(["if=/dev/zero", "of=" + path, "bs=1M", "count=%d" % count, "conv=fsync"])
    rc = dd(["if=" + path, "of=/dev/null", "bs=1M"])
    try:
        rd = dd(["if=" + path, "of=/dev/null", "bs=1M", "iflag=direct"])
    except BenchError:
        rd = None
    os.remove(path)
    return w, rc, rd


# ---- 1a/2: relaunch after a kill --------------------------------------------------------------

def bench_relaunch(exe, mib, rundir, default_detect):
    s = SIZES[mib]
    d = os.path.join(rundir, "relaunch-%d" % mib)
    ck = os.path.join(d, "ck")
    base = ["--N=%d" % s["N"], "--steps=%d" % s["steps"]]
    res = {"mib": mib, "N": s["N"], "steps": s["steps"], "every": s["every"], "kill": s["kill"]}

    # uninterrupted reference on 2 ranks
    log("relaunch %d MiB: reference run" % mib)
    run_job(2, exe, base, os.path.join(d, "ref"), env_base())

    ev = os.path.join(d, "events.log")
    faults = {"TYLES_FAULT_KILL_RANK": "1", "TYLES_FAULT_KILL_STEP": str(s["kill"])}
    log("relaunch %d MiB: 2 ranks, kill rank 1 at step %d" % (mib, s["kill"]))
    j = run_job(2, exe, base + ["--checkpoint-every=%d" % s["every"], "--checkpoint-dir=" + ck],
                os.path.join(d, "run"), env_base(ev, faults), FAST_KILL, expect=None)
    if j.rc == 0:
        raise BenchError("the fault-injected job exited 0: %s" % sh(j.cmd))
    evs = read_events(ev)
    killed = find(evs, "killed")
    if not killed:
        raise BenchError("no 'killed' event in %s\n%s" % (ev, j.text()))
    res["detect_fast"] = j.t_exit - killed["t"]
    res["writes"] = [(int(e["bytes"]), float(e["seconds"])) for e in evs if e["ev"] == "ckpt-write"]
    res["write_ranks"] = 2
    if not res["writes"]:
        raise BenchError("no checkpoint written before the kill (%d MiB)" % mib)

    for mode in ("warm", "cold"):
        rdir = os.path.join(d, "restart-" + mode)
        if mode == "cold":
            evict(ck)
        log("relaunch %d MiB: restart on 1 rank (%s page cache)" % (mib, mode))
        t_mark = time.time()
        j2 = run_job(1, exe, base + ["--restart=" + ck], rdir, env_base(ev))
        evs = read_events(ev)
        init = find(evs, "init", after=t_mark)
        ver = find(evs, "ckpt-verify", after=t_mark)
        rd = find(evs, "ckpt-read", after=t_mark)
        fs = find(evs, "first-step", after=t_mark)
        if not (init and ver and rd and fs):
            raise BenchError("restart events missing in %s\n%s" % (ev, j2.text()))
        ver_s, rd_s = float(ver["seconds"]), float(rd["seconds"])
        r = {
            "relaunch": init["t"] - j2.t_launch,
            "verify": ver_s,
            "setup": (rd["t"] - rd_s) - ver["t"],
            "read": rd_s,
            "first": fs["t"] - rd["t"],
            "total": fs["t"] - j2.t_launch,
            "gap": j2.t_launch - j.t_exit,
            "bytes": int(rd["bytes"]),
            "from_step": int(rd["step"]),
            "ok": same_bits(os.path.join(d, "ref", "u.npy"), os.path.join(rdir, "u.npy")),
        }
        if mode == "warm":
            r["downtime"] = fs["t"] - killed["t"]
        res[mode] = r

    if default_detect:
        ev2 = os.path.join(d, "events-default.log")
        log("relaunch %d MiB: detection with mpirun's default setup" % mib)
        j3 = run_job(2, exe, base + ["--checkpoint-every=%d" % s["every"],
                                     "--checkpoint-dir=" + os.path.join(d, "ck-default")],
                     os.path.join(d, "run-default"), env_base(ev2, faults), (), expect=None)
        k3 = find(read_events(ev2), "killed")
        res["detect_default"] = (j3.t_exit - k3["t"]) if (k3 and j3.rc != 0) else None
    else:
        res["detect_default"] = None
    res["dd"] = dd_rates(d, res["warm"]["bytes"])
    shutil.rmtree(d, ignore_errors=True)
    return res


# ---- 1b: in-process rescale ------------------------------------------------------------------

def wait_event(path, name, after, timeout, job, pred=None):
    t_end = time.time() + timeout
    while time.time() < t_end:
        for e in read_events(path):
            if e["ev"] == name and e["t"] >= after and (pred is None or pred(e)):
                return e
        if job.p.poll() is not None:
            raise BenchError("job ended (exit %s) while waiting for '%s'\n%s"
                             % (job.p.returncode, name, job.text()))
        time.sleep(0.02)
    job.kill()
    raise BenchError("no '%s' event within %g s: %s\n%s" % (name, timeout, sh(job.cmd), job.text()))


def bench_inprocess(exe, mib, rundir, settle):
    s = SIZES[mib]
    d = os.path.join(rundir, "inproc-%d" % mib)
    # the stop at the end (SIGUSR2) writes a checkpoint: keep it in memory, not on the disk
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    ck = tempfile.mkdtemp(prefix="tyles-elastic-ck-", dir=shm)
    ev = os.path.join(d, "events.log")
    os.makedirs(d, exist_ok=True)
    out = {}
    j = None
    try:
        j = Job(2, exe, ["--N=%d" % s["N"], "--steps=100000000", "--checkpoint-dir=" + ck], d,
                env_base(ev))
        init = wait_event(ev, "init", 0, 60, j)
        time.sleep(settle)
        t_prev = init["t"]
        for name, to in (("shrink", 1), ("grow", 2)):
            with open(os.path.join(ck, "RESCALE.tmp"), "w") as f:
                f.write("%d\n" % to)
            os.rename(os.path.join(ck, "RESCALE.tmp"), os.path.join(ck, "RESCALE"))
            t_req = time.time()
            os.kill(j.p.pid, signal.SIGUSR1)
            e = wait_event(ev, "rescale", t_prev, 120, j, lambda e: e.get("to") == str(to))
            sec, sp = float(e["seconds"]), float(e["spawn"])
            fs = wait_event(ev, "first-step", e["t"] - 1e-6, 120, j)
            out[name] = {"seconds": sec, "spawn": sp, "redist": sec - sp,
                         "wait": (e["t"] - sec) - t_req, "bytes": int(e["bytes"]),
                         "first": fs["t"] - e["t"]}
            t_prev = e["t"]
            time.sleep(settle)
        os.kill(j.p.pid, signal.SIGUSR2)
        rc = j.wait(timeout=120)
        evs = read_events(ev)
        if rc != 75 and not find(evs, "stop", after=t_prev):
            raise BenchError("in-process job: exit %d after SIGUSR2 (expected 75)\n%s"
                             % (rc, j.text()))
        out["stop_rc"] = rc
        if rc != 75:
            log("in-process %s: exit %d after SIGUSR2, though the 'stop' event was logged"
                % (size_name(mib), rc))
            out["stop_text"] = j.text()[-600:]
        out["left"] = find(evs, "left") is not None
    finally:
        if j is not None and j.p.poll() is None:
            j.kill()
        shutil.rmtree(ck, ignore_errors=True)
        shutil.rmtree(d, ignore_errors=True)
    return out


# ---- 3: failure-free overhead ----------------------------------------------------------------

def bench_overhead(exe, rundir, mib, steps, intervals, reps):
    s = SIZES[mib]
    rows = {iv: [] for iv in intervals}
    costs = {iv: [] for iv in intervals}
    counts = {}
    for r in range(reps):
        order = intervals if r % 2 == 0 else list(reversed(intervals))
        for iv in order:
            d = os.path.join(rundir, "ovh-%s-%d" % (iv, r))
            ev = os.path.join(d, "events.log")
            args = ["--N=%d" % s["N"], "--steps=%d" % steps]
            if iv:
                args += ["--checkpoint-every=%d" % iv, "--checkpoint-dir=" + os.path.join(d, "ck")]
            log("overhead: %d MiB, %d steps, checkpoint every %s, rep %d/%d"
                % (mib, steps, iv or "none", r + 1, reps))
            run_job(2, exe, args, d, env_base(ev))
            evs = read_events(ev)
            i, dn = find(evs, "init"), find(evs, "done")
            if not (i and dn):
                raise BenchError("overhead run: no init/done events")
            rows[iv].append(dn["t"] - i["t"])
            w = [float(e["seconds"]) for e in evs if e["ev"] == "ckpt-write"]
            costs[iv] += w
            counts[iv] = len(w)
            shutil.rmtree(d, ignore_errors=True)
    return rows, costs, counts


# ---- 4: campaign of random kills -------------------------------------------------------------

def bench_campaign(exe, rundir, kills, n, steps, every, seed0):
    d = os.path.join(rundir, "campaign")
    base = ["--N=%d" % n, "--steps=%d" % steps]
    log("campaign: reference run (2 ranks, N=%d, %d steps)" % (n, steps))
    run_job(2, exe, base, os.path.join(d, "ref"), env_base())
    ref = os.path.join(d, "ref", "u.npy")
    rng = random.Random(seed0)
    runs = []
    for i in range(kills):
        seed = seed0 + i
        P = rng.randint(2, 4)
        c = os.path.join(d, "run%02d" % i)
        ck = os.path.join(c, "ck")
        ev = os.path.join(c, "events.log")
        faults = {"TYLES_FAULT_KILL_RANK": "random", "TYLES_FAULT_KILL_STEP": "random",
                  "TYLES_FAULT_SEED": str(seed)}
        args = base + ["--checkpoint-every=%d" % every, "--checkpoint-dir=" + ck]
        j = run_job(P, exe, args, c, env_base(ev, faults), FAST_KILL, expect=None)
        evs = read_events(ev)
        k = find(evs, "killed")
        r = {"i": i, "seed": seed, "P": P, "rc": j.rc, "killed_rank": k and int(k["rank"]),
             "killed_step": k and int(k["step"]), "tries": [], "survived": False, "same": False,
             "from": None}
        if j.rc == 0 or not k:
            r["note"] = "no kill happened (exit %d)" % j.rc
            runs.append(r)
            continue
        for t in range(3):
            Q = rng.choice([q for q in (1, 2, 3, 4) if q != P])
            t_mark = time.time()
            j2 = run_job(Q, exe, args[:-1] + ["--checkpoint-dir=" + ck, "--restart"],
                         c, env_base(ev), FAST_KILL, expect=None)
            r["tries"].append((Q, j2.rc))
            if j2.rc == 0:
                rd = find(read_events(ev), "ckpt-read", after=t_mark)
                r["from"] = int(rd["step"]) if rd else 0
                r["survived"] = True
                ok, why = same_bits(ref, os.path.join(c, "u.npy"))
                r["same"], r["why"] = ok, why
                break
            r["why"] = "restart exit %d: %s" % (j2.rc, j2.text()[-300:])
        log("campaign %d/%d: %d ranks, seed %d, killed rank %s at step %s, restart %s: %s"
            % (i + 1, kills, P, seed, r["killed_rank"], r["killed_step"],
               " then ".join("%d ranks->%d" % t for t in r["tries"]),
               r.get("why", "")))
        runs.append(r)
        shutil.rmtree(c, ignore_errors=True)
    return runs


# ---- report ----------------------------------------------------------------------------------

def g(x, digits=3):
    return "—" if x is None else run_bench.fmt(x, digits)


def ms(x):
    return "—" if x is None else ("%.1f" % (x * 1e3) if x < 10 else "%.0f" % (x * 1e3))


def med(v):
    return statistics.median(v) if v else None


def pretouch(nbytes=4 << 30):
    """Touch nbytes once: in this VM, guest memory never used before is faulted in by the host
    at well under 1 GB/s, which would otherwise land in whichever run first uses it.
    Returns the GB/s of that first fill."""
    import numpy as np
    t0 = time.perf_counter()
    a = np.ones(nbytes // 8)
    t1 = time.perf_counter()
    del a
    return nbytes / (t1 - t0) / 1e9


def memory_rates(nbytes=256 * MIB):
    """GB/s of filling freshly allocated memory (first touch: page faults) and of copying into
    memory already touched, with NumPy, best of 3: context for redistribution and reads, which
    write into new arrays."""
    import numpy as np
    n = nbytes // 8
    fresh, touched = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        a = np.ones(n)
        t1 = time.perf_counter()
        b = np.empty(n)
        b[:] = 2.0
        t2 = time.perf_counter()
        b[:] = a
        t3 = time.perf_counter()
        fresh.append(nbytes / (t1 - t0) / 1e9)
        touched.append(nbytes / (t3 - t2) / 1e9)
        del a, b
        _ = t2
    return max(fresh), max(touched)


def report(args, rel, inp, ovh, camp, info_extra):
    out = []
    # 1a
    out += ["#### 1a. Relaunch after a killed rank: 2 ranks -> restart on 1 rank (shrink policy)", "",
            "Phases in ms. detection = mpirun exit − 'killed' event, with `--mca "
            "odls_base_sigkill_timeout 0` (fast) and with mpirun's default setup; then the restart "
            "job: relaunch+init = its launch here → 'init'; verify, read = ckpt-verify / ckpt-read "
            "seconds; setup = ckpt-verify → start of ckpt-read (allocation and initialisation by the "
            "program); first step = ckpt-read → 'first-step'; total = launch → 'first-step'. "
            "downtime = 'killed' → 'first-step' of the warm restart, launched right after mpirun "
            "exited (detection + %s ms here, median, + total). Work lost (the steps from the "
            "checkpoint to the kill) is not included." % ms(med([r["warm"]["gap"] for r in rel])),
            "",
            "| state | N | ckpt every / kill at step | detection fast | detection default | page cache "
            "| relaunch+init | verify | setup | read | first step | total | downtime | u.npy vs "
            "uninterrupted |",
            "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rel:
        for mode in ("warm", "cold"):
            x = r[mode]
            out.append("| %s | %d | %d / %d (resumed at %d) | %s | %s | %s | %s | %s | %s | %s | %s | "
                       "%s | %s | %s |" % (
                           size_name(r["mib"]), r["N"], r["every"], r["kill"], x["from_step"],
                           ms(r["detect_fast"]) if mode == "warm" else "",
                           ms(r["detect_default"]) if mode == "warm" else "",
                           "warm" if mode == "warm" else "evicted",
                           ms(x["relaunch"]), ms(x["verify"]), ms(x["setup"]), ms(x["read"]),
                           ms(x["first"]), ms(x["total"]),
                           ms(x.get("downtime")), x["ok"][1]))
    # 1b
    out += ["", "#### 1b. In-process rescale (no relaunch): shrink 2 -> 1 (MPI_Comm_split), grow 1 -> 2 "
            "(MPI_Comm_spawn)", "",
            "ms, median over %d repetition(s) (min–max in brackets) from the 'rescale' event: total = "
            "its seconds (start of the rescale at the step boundary → every rank on the new grid), "
            "spawn = MPI_Comm_spawn + merge, redistribution = total − spawn; boundary wait = "
            "SIGUSR1 sent here → start of the rescale (mpirun forwarding, then the ranks' "
            "agreement, completed one step boundary after it is started); first step = 'rescale' → "
            "'first-step' (the first step on the new grid, which starts with a halo exchange into "
            "the stale halos of the new arrays). For "
            "context, measured in this run with NumPy on 256 MiB: filling freshly allocated "
            "memory (first touch, page faults) %s GB/s; copying into memory already touched %s "
            "GB/s. The redistribution moves each array with one MPI_Alltoallw of subarray "
            "datatypes, from the old allocation straight into the newly allocated one."
            % (args.reps_inproc, g(info_extra["mem"][0]), g(info_extra["mem"][1])), "",
            "| state | shrink total | redistribution | boundary wait | first step | grow total "
            "| of which spawn | redistribution | boundary wait | first step | target < 100 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]

    def rng_(v):
        if len(v) == 1:
            return ms(v[0])
        return "%s (%s–%s)" % (ms(med(v)), ms(min(v)), ms(max(v)))
    for mib, reps in inp:
        sh_ = [r["shrink"] for r in reps]
        gr = [r["grow"] for r in reps]
        st = med([x["seconds"] for x in sh_])
        gt = med([x["seconds"] for x in gr])
        gr_ex = med([x["redist"] for x in gr])
        verdict = "shrink %s; grow %s (%s without the spawn)" % (
            "yes" if st < 0.1 else "NO", "yes" if gt < 0.1 else "NO", "yes" if gr_ex < 0.1 else "NO")
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            size_name(mib), rng_([x["seconds"] for x in sh_]), rng_([x["redist"] for x in sh_]),
            rng_([x["wait"] for x in sh_]), rng_([x["first"] for x in sh_]),
            rng_([x["seconds"] for x in gr]), rng_([x["spawn"] for x in gr]),
            rng_([x["redist"] for x in gr]), rng_([x["wait"] for x in gr]),
            rng_([x["first"] for x in gr]), verdict))
    rcs = [r["stop_rc"] for _, reps in inp for r in reps]
    if any(rc != 75 for rc in rcs):
        out += ["", "Exit status of mpirun after SIGUSR2 (stop with a checkpoint, expected 75) once the "
                "job had grown by MPI_Comm_spawn: %s; the 'stop' event was logged every time. "
                "mpirun printed, in such a run: \"Child job 2 terminated normally, but 1 process "
                "returned a non-zero exit code. Per user-direction, the job has been aborted.\" and "
                "\"rank 0 ... exited on signal 13 (Broken pipe)\": the spawned rank's exit 75 "
                "made mpirun abort the job while rank 0 was still finishing."
                % ", ".join("%d x%d" % (rc, rcs.count(rc)) for rc in sorted(set(rcs)))]
    by = dict(inp)
    if 128 in by:
        gr = [r["grow"] for r in by[128]]
        sp, tot = med([x["spawn"] for x in gr]), med([x["seconds"] for x in gr])
        shr = med([r["shrink"]["seconds"] for r in by[128]])
        out += ["", "At 128 MiB on this machine: shrink %s ms (%s the 100 ms target; CharmTyles "
                "reported 200 ms), grow %s ms, of which MPI_Comm_spawn %s ms (%.0f%%)%s."
                % (ms(shr), "within" if shr < 0.1 else "NOT within", ms(tot), ms(sp), 100 * sp / tot,
                   ": grow is dominated by MPI_Comm_spawn" if sp > 0.5 * tot else "")]
    else:
        gr = [r["grow"] for _, reps in inp for r in reps]
        sp, tot = med([x["spawn"] for x in gr]), med([x["seconds"] for x in gr])
        out += ["", "Grow, all sizes: MPI_Comm_spawn %s ms of %s ms (median)%s." % (
            ms(sp), ms(tot), ": grow is dominated by MPI_Comm_spawn" if sp > 0.5 * tot else "")]

    # 2
    out += ["", "#### 2. Checkpoint bandwidth vs the disk (GB/s = 1e9 B/s)", "",
            "ckpt-write: every checkpoint of the 2-rank relaunch job (collective MPI-IO np.save per "
            "buffer, CRC32C, fsync of files and folder, rename, LATEST); mean of its writes. ckpt-read: "
            "the 1-rank restart, its ckpt-read event (the load after verification, which has just "
            "read every byte: so from the page cache even in the evicted case); verify: bytes / "
            "ckpt-verify seconds (reads and CRC-checks every file: from the disk in the evicted "
            "case). dd: same bytes, same folder: write `conv=fsync`, read back right after (page "
            "cache) and with `iflag=direct` (disk, bypassing the cache). The checkpoint folder is "
            "on %s." % info_extra["fs"], "",
            "| state | ckpt-write | dd write fsync | ckpt-read warm | verify warm | verify evicted "
            "| ckpt-read after evicted verify | dd read (page cache) | dd read iflag=direct |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rel:
        wb = sum(b for b, _ in r["writes"]) / sum(s for _, s in r["writes"]) / 1e9
        bw = lambda x, k: x["bytes"] / x[k] / 1e9 if x[k] > 0 else None  # noqa: E731
        dw, dc, dr = r["dd"]
        out.append("| %s | %s (%d writes, %s s each) | %s | %s | %s | %s | %s | %s | %s |" % (
            size_name(r["mib"]), g(wb), len(r["writes"]),
            g(statistics.mean(s for _, s in r["writes"])), g(dw), g(bw(r["warm"], "read")),
            g(bw(r["warm"], "verify")), g(bw(r["cold"], "verify")), g(bw(r["cold"], "read")),
            g(dc), g(dr)))

    # 3
    rows, costs, counts, mib, steps = ovh
    t0 = min(rows[0])
    out += ["", "#### 3. Failure-free overhead against the checkpoint interval (%s, 2 ranks, %d steps)"
            % (size_name(mib), steps), "",
            "Time = 'init' → 'done' events (time loop, checkpoints, final np.save; not mpirun's start), "
            "best of %d runs (all in brackets), intervals interleaved; overhead = (t − t_none) / t_none; "
            "C = mean ckpt-write seconds in those runs." % args.reps_overhead, "",
            "| checkpoint every | checkpoints | time (s) | overhead | C per checkpoint (ms) | "
            "overhead per checkpoint (ms) |", "|---:|---:|---:|---:|---:|---:|"]
    for iv in rows:
        t = min(rows[iv])
        n = counts.get(iv, 0)
        out.append("| %s | %d | %.3f (%s) | %s | %s | %s |" % (
            iv or "none", n, t, ", ".join("%.3f" % x for x in rows[iv]),
            "—" if not iv else "%+.1f%%" % (100 * (t - t0) / t0),
            ms(statistics.mean(costs[iv])) if costs[iv] else "—",
            ms((t - t0) / n) if n else "—"))
    allc = [c for iv in costs for c in costs[iv]]
    C = statistics.mean(allc) if allc else None
    step_t = t0 / steps
    out += ["", "Young/Daly optimum interval tau = sqrt(2 C M) and predicted waste ≈ C/tau + tau/(2M) "
            "(first order), with C measured here (checkpoint of the whole state; for the other sizes "
            "the mean ckpt-write seconds of section 2) and the MTBF M **assumed**: 24 h per node, so "
            "M = 24 h / nodes (not measured). Steps per interval: tau / (t_none / steps) = tau / "
            "%.3g ms (%s, 2 ranks; t_none includes the final np.save), for that size only."
            % (step_t * 1e3, size_name(mib)), "",
            "| state | C (s) | nodes | M (assumed) | tau_opt | in steps | predicted overhead |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    cs = [(mib, C, True)] + [(r["mib"], statistics.mean(s for _, s in r["writes"]), False)
                             for r in rel if r["mib"] != mib]
    for size, c, own in cs:
        if not c:
            continue
        for nodes in (1, 1024):
            M = 24 * 3600.0 / nodes
            tau = math.sqrt(2 * c * M)
            out.append("| %s | %.3g | %d | %s | %s | %s | %.3g%% |" % (
                size_name(size), c, nodes, "%.0f s" % M, "%.3g s" % tau,
                "%.0f" % (tau / step_t) if own else "—", 100 * (c / tau + tau / (2 * M))))

    # 4
    surv = sum(1 for r in camp if r["survived"])
    same = sum(1 for r in camp if r["same"])
    kills = sum(1 for r in camp if r["killed_step"] is not None)
    out += ["", "#### 4. Campaign of random kills (N=%d, %d steps, checkpoint every %d)"
            % (args.camp_n, args.camp_steps, args.camp_every), "",
            "Each run: P in 2–4 ranks, TYLES_FAULT_KILL_RANK=random TYLES_FAULT_KILL_STEP=random "
            "TYLES_FAULT_SEED=seed (distinct), `--mca odls_base_sigkill_timeout 0`; then `--restart` "
            "on another rank count Q in 1–4 (≠ P), up to 3 tries; u.npy compared with an "
            "uninterrupted 2-rank run (bitwise).", "",
            "**%d runs, %d killed, %d survived, %d bitwise identical.**" % (len(camp), kills, surv,
                                                                            same), "",
            "| # | seed | P | killed rank | at step | restart (ranks→exit) | resumed from step | "
            "u.npy |", "|---:|---:|---:|---:|---:|---|---:|---|"]
    for r in camp:
        out.append("| %d | %d | %d | %s | %s | %s | %s | %s |" % (
            r["i"] + 1, r["seed"], r["P"], r["killed_rank"], r["killed_step"],
            ", ".join("%d→%d" % t for t in r["tries"]) or "—",
            r["from"] if r["from"] is not None else "—",
            r.get("why", r.get("note", ""))[:120].replace("|", "/").replace("\n", " ")))
    return "\n".join(out)


def size_name(mib):
    return "%d MiB" % mib if mib < 1024 else "%d GiB" % (mib // 1024)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tylesc", default=DEFAULT_TYLESC)
    ap.add_argument("--sizes", default="1,16,128,1024", help="state sizes in MiB (of %s)"
                    % ",".join(str(k) for k in SIZES))
    ap.add_argument("--kills", type=int, default=20, help="campaign runs (default 20)")
    ap.add_argument("--reps-inproc", type=int, default=3, help="in-process repetitions (1 GiB: 1)")
    ap.add_argument("--reps-overhead", type=int, default=3)
    ap.add_argument("--overhead-size", type=int, default=16)
    ap.add_argument("--overhead-steps", type=int, default=5000)
    ap.add_argument("--overhead-intervals", default="0,1000,200,50,10", help="0 = none")
    ap.add_argument("--camp-n", type=int, default=203)
    ap.add_argument("--camp-steps", type=int, default=300)
    ap.add_argument("--camp-every", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1000, help="first campaign seed")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="first wait up to SECONDS for the CPUs to be idle (< 10%% busy over 5 s)")
    ap.add_argument("--quick", action="store_true", help="1 and 16 MiB, 5 kills, short overhead")
    ap.add_argument("--keep", action="store_true", help="keep the run directories")
    ap.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.kills, args.reps_inproc, args.reps_overhead = "1,16", 5, 1, 1
        args.overhead_steps, args.overhead_intervals = 500, "0,200,50,10"
    try:
        sizes = [int(x) for x in args.sizes.split(",")]
        intervals = [int(x) for x in args.overhead_intervals.split(",")]
    except ValueError:
        ap.error("--sizes and --overhead-intervals take comma-separated integers")
    if any(s not in SIZES for s in sizes) or args.overhead_size not in SIZES:
        ap.error("sizes must be among %s" % ",".join(str(k) for k in SIZES))
    if intervals[0] != 0:
        intervals = [0] + [i for i in intervals if i]
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise SystemExit("run_bench_elastic.py: error: numpy is required (bitwise checks)")
    if shutil.which("mpirun") is None:
        raise SystemExit("run_bench_elastic.py: error: no mpirun")

    t_start = time.perf_counter()
    tylesc = os.path.abspath(args.tylesc)
    builddir = os.path.join(HERE, "build", "elastic")
    os.makedirs(builddir, exist_ok=True)
    rundir = tempfile.mkdtemp(prefix="run-", dir=builddir)  # on the disk, not tmpfs
    fs = subprocess.run(["df", "--output=fstype,source", rundir], capture_output=True,
                        text=True).stdout.split("\n")[1:2]
    fsd = fs[0].split() if fs and fs[0].strip() else ["?", "?"]
    info_extra = {"fs": "%s (%s), bench/build/elastic" % (fsd[0], fsd[1] if len(fsd) > 1 else "?")}
    try:
        if not os.access(tylesc, os.X_OK):
            raise BenchError("the compiler %s is missing; build it first (make)" % tylesc)
        exe = os.path.join(builddir, "heat2d")
        if os.path.exists(exe):
            os.remove(exe)
        log("compile: " + sh([tylesc, TYL, "-o", exe]))
        run_bench.run([tylesc, TYL, "-o", exe])

        t_wait0 = time.perf_counter()
        if args.wait_idle > 0:
            t_end = time.time() + args.wait_idle
            while True:
                b = cpu_busy(5.0)
                if b is None or b < 0.10 or time.time() > t_end:
                    break
                log("waiting for idle CPUs (%.0f%% busy over 5 s)" % (100 * b))
        waited = time.perf_counter() - t_wait0
        busy_before, load_before = cpu_busy(), os.getloadavg()[0]
        if busy_before is not None and busy_before > 0.10:
            log("warning: CPUs %.0f%% busy before the run: figures will be noisy" % (100 * busy_before))
        info = machine_info()
        info_extra["pretouch"] = pretouch()
        info_extra["mem"] = memory_rates()

        rel = [bench_relaunch(exe, mib, rundir, default_detect=mib < 1024) for mib in sizes]
        inp = []
        for mib in sizes:
            reps = 1 if mib >= 1024 else args.reps_inproc
            rr = []
            for r in range(reps):
                log("in-process %s: shrink and grow, rep %d/%d" % (size_name(mib), r + 1, reps))
                rr.append(bench_inprocess(exe, mib, rundir, settle=0.5 if mib < 1024 else 1.5))
            inp.append((mib, rr))
        rows, costs, counts = bench_overhead(exe, rundir, args.overhead_size, args.overhead_steps,
                                             intervals, args.reps_overhead)
        camp = bench_campaign(exe, rundir, args.kills, args.camp_n, args.camp_steps,
                              args.camp_every, args.seed)
        busy_after, load_after = cpu_busy(), os.getloadavg()[0]
    except BenchError as e:
        print("run_bench_elastic.py: error: %s" % e, file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(rundir, ignore_errors=True)
        else:
            log("run directories kept in %s" % rundir)
    elapsed = time.perf_counter() - t_start - waited

    body = report(args, rel, inp, (rows, costs, counts, args.overhead_size, args.overhead_steps),
                  camp, info_extra)
    notes = [
        "program: bench/elastic/heat2d.tyl (bin/tylesc), state = u and un, 2 x 8 x N^2 bytes; "
        "runs: `OMP_NUM_THREADS=1 %s -np P ./heat2d --N=.. --steps=.. [--checkpoint-every=K "
        "--checkpoint-dir=DIR | --restart[=DIR]]`, TYLES_EVENT_LOG set; phases from the runtime's "
        "event log and time.time() here (same clock)." % " ".join(LAUNCHER),
        "in-process runs: checkpoint folder (holding RESCALE) in /dev/shm, because the job is "
        "ended by SIGUSR2, which checkpoints first; relaunch runs: checkpoints on the disk.",
        "before the runs, 4 GiB were filled once with NumPy, at %s GB/s: in this VM, memory "
        "the guest has not used recently is faulted in by the host at well under 1 GB/s (seen "
        "again after freeing: the host seems to reclaim freed guest memory), so figures that "
        "write into newly allocated memory (rescale, checkpoint read), above all at 1 GiB, may "
        "include some of this cost; the pre-fill only takes the first such cost out of the runs."
        % g(info_extra["pretouch"]),
        "one machine, %s cores: every MPI message is a shared-memory copy, and 3-4 ranks in the "
        "campaign oversubscribe the cores." % info["cores"],
        "CPUs busy before/after (other processes): %s / %s; load average %.2f / %.2f; run took "
        "%.0f s%s." % ("?" if busy_before is None else "%.0f%%" % (100 * busy_before),
                       "?" if busy_after is None else "%.0f%%" % (100 * busy_after),
                       load_before, load_after, elapsed,
                       " (after %.0f s waiting for idle CPUs)" % waited if waited >= 1 else ""),
    ]
    text = ("### Elastic runtime: reconfiguration, checkpoints, overhead, random kills\n\n"
            + "\n".join("- " + s for s in notes) + "\n\n" + body + "\n")
    print(text)
    bad = sum(1 for r in camp if not (r["survived"] and r["same"]))
    bad += sum(1 for r in rel for m in ("warm", "cold") if not r[m]["ok"][0])
    if bad:
        print("run_bench_elastic.py: error: %d run(s) did not survive or differ bitwise" % bad,
              file=sys.stderr)
    if args.record:
        record_section("Elastic runtime", info, args.quick, text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
