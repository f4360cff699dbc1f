#!/bin/sh
# deps.sh: make sure the system packages Tyles needs are present.
# As root with apt-get, installs what is missing; otherwise names it and fails.
missing=""
command -v flex  >/dev/null 2>&1 || missing="$missing flex"
command -v bison >/dev/null 2>&1 || missing="$missing bison"
command -v mpicc >/dev/null 2>&1 || missing="$missing libopenmpi-dev"
command -v mpirun >/dev/null 2>&1 || missing="$missing openmpi-bin"
command -v python3 >/dev/null 2>&1 || missing="$missing python3 python3-pip"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tyles: installing missing packages:$missing"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
            || { echo "tyles: apt-get install$missing failed" >&2; exit 1; }
    else
        echo "tyles: missing system packages:$missing" >&2
        echo "tyles: install them with: sudo apt-get install$missing" >&2
        exit 1
    fi
fi
# Optional: cmake for the CMake project of make check-build (skipped with a message without it),
# installed where packages can be, never a reason to stop.
if ! command -v cmake >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tyles: installing cmake (optional, for the CMake test project)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null 2>&1 \
            || echo "tyles: cmake could not be installed; make check-build skips the CMake project" >&2
    else
        echo "tyles: cmake not found (optional; make check-build skips the CMake project)" >&2
    fi
fi
# NumPy 2 is the reference of the tests (Debian's python3-numpy is 1.24, with older promotion rules).
if ! python3 -c 'import numpy, sys; sys.exit(int(numpy.__version__.split(".")[0]) < 2)' 2>/dev/null; then
    echo "tyles: installing numpy>=2 for the tests (pip)"
    python3 -m pip install -q 'numpy>=2' 2>/dev/null \
        || python3 -m pip install -q --break-system-packages 'numpy>=2' \
        || { echo "tyles: cannot install numpy>=2; run: python3 -m pip install 'numpy>=2'" >&2; exit 1; }
fi
exit 0
