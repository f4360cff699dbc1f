#!/bin/sh
# gen_nested.sh DEPTH LINES: print a NumPy program of about LINES lines whose time loop holds
# DEPTH nested range() loops, each level assigning scalars (some int, some float, one int that
# becomes a float), updating an array with a stencil and branching, the way a solver with
# sub-iterations nests them. Used by run.sh to check that the compile time does not grow
# exponentially with the nesting (issue 12: 200 lines, 10 nested loops, under a second).
set -eu
depth=$1 lines=$2
per=$(( (lines - 12) / depth ))
[ "$per" -lt 6 ] && per=6
printf 'import numpy as np\n\nn = 6\nu = np.zeros((n, n))\nu[0, :] = 1.0\nacc = 0.0\ncount = 0\n'
ind=""
k=0
while [ "$k" -lt "$depth" ]; do
    printf '%sfor i%d in range(2):\n' "$ind" "$k"
    ind="$ind    "
    printf '%sa%d = i%d + 1\n' "$ind" "$k" "$k"
    printf '%sb%d = 0\n' "$ind" "$k"
    printf '%sb%d = b%d + a%d * 0.5\n' "$ind" "$k" "$k" "$k"
    printf '%sif a%d > 1:\n%s    acc = acc + b%d\n%selse:\n%s    count = count + a%d\n' \
        "$ind" "$k" "$ind" "$k" "$ind" "$ind" "$k"
    j=10
    while [ "$j" -lt "$per" ]; do
        printf '%su[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]) + 0.001 * b%d\n' "$ind" "$k"
        j=$((j + 1))
    done
    k=$((k + 1))
done
printf 'r = np.array([acc, count])\nnp.save("r.npy", r)\nnp.save("u.npy", u)\n'
