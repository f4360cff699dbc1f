#!/bin/sh
# demo.sh (make demo): compile samples/heat2d.tyl, run it on several MPI ranks (NP, default 2),
# draw its final field as a PNG, and compare with NumPy running the very same file with the same
# parameters (the distributed result must be bitwise identical).
set -e
N=${N:-512}
STEPS=${STEPS:-3000}
NP=${NP:-2}
CORES=$(nproc 2>/dev/null || echo 2)
THREADS=${THREADS:-$(( CORES / NP > 0 ? CORES / NP : 1 ))}
top=$(pwd)
out=build/demo
mkdir -p $out
echo "== tylesc samples/heat2d.tyl -o $out/heat2d"
bin/tylesc samples/heat2d.tyl -o $out/heat2d
echo "== mpirun -np $NP ./heat2d --N=$N --steps=$STEPS   (OMP_NUM_THREADS=$THREADS)"
cd $out
OMP_NUM_THREADS=$THREADS mpirun --allow-run-as-root --oversubscribe --bind-to none -np $NP \
    ./heat2d --N=$N --steps=$STEPS --time --stats 2> time.txt
cat time.txt
t_c=$(sed -n 's/^tyles: time \([0-9.e+-]*\) s$/\1/p' time.txt)
"$top/build/tools/npy2png" heat2d.npy heat2d.png
echo "== picture of the final temperature field: $out/heat2d.png"
cd "$top"
if python3 -c 'import numpy' 2>/dev/null; then
    echo "== NumPy running the same file (python3 samples/heat2d.tyl, same parameters)"
    t_np=$(python3 - "$N" "$STEPS" <<'PY'
import re, runpy, sys, time, os, tempfile
n, steps = sys.argv[1], sys.argv[2]
src = open("samples/heat2d.tyl").read()
src = re.sub(r"(?m)^N = \d+", "N = " + n, src)
src = re.sub(r"(?m)^steps = \d+", "steps = " + steps, src)
d = tempfile.mkdtemp()
path = os.path.join(d, "heat2d.tyl")
open(path, "w").write(src)
os.chdir(d)
import numpy, contextlib, io
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    runpy.run_path(path, run_name="__main__")
t1 = time.perf_counter()
print(f"{t1 - t0:.6f} {d}")
PY
)
    d=${t_np#* }; t_np=${t_np%% *}
    if cmp -s "$d/heat2d.npy" $out/heat2d.npy; then same="bitwise identical"; else same="DIFFERENT"; fi
    rm -rf "$d"
    echo "NumPy: ${t_np} s   compiled: ${t_c} s   speedup: $(python3 -c "print(f'{$t_np/$t_c:.1f}x')")   results: $same"
fi
