#!/usr/bin/env python3
"""#line in generated C never attributes a C line to a line past the end of the .tyl.

Usage: line_map.py TYLESC PROGRAM.tyl...   Runs `TYLESC PROGRAM.tyl -o X.c` and
`-o X.cu` for each program, follows the #line directives as a C compiler does (the
line after `#line N "F"` is line N of F, the next N + 1, ...) and checks that every line
attributed to the program is a line the program has. Prints PASS/FAIL per program."""
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r'^#line (\d+) "((?:[^"\\]|\\.)*)"$')


def check(tylesc, tyl, suffix):
    with open(tyl, "rb") as f:
        data = f.read()
    # lines as Python counts them (\n, \r\n or \r end one)
    nlines = len(re.findall(rb"\r\n|\r|\n", data)) + (0 if re.search(rb"[\r\n]$", data) or not data else 1)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x" + suffix)
        r = subprocess.run([tylesc, tyl, "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        if r.returncode != 0 or not os.path.exists(out):
            return "tylesc failed: " + r.stderr.decode(errors="replace")[:300]
        with open(out, "rb") as f:
            text = f.read()
    name = cur = None
    bad = []
    for text in text.decode(errors="replace").split("\n"):
        m = LINE.match(text)
        if m:
            cur, name = int(m.group(1)), m.group(2)
            continue
        if cur is None:
            continue
        if name.endswith(".tyl") and cur > nlines:
            bad.append("line %d of %s (it has %d)" % (cur, name, nlines))
        cur += 1
    if bad:
        return "%d C lines attributed past the end, first: %s" % (len(bad), bad[0])
    return None


def main():
    tylesc, progs = sys.argv[1], sys.argv[2:]
    fails = 0
    for tyl in progs:
        for suffix, tag in ((".c", "c"), (".cu", "cuda")):
            why = check(tylesc, tyl, suffix)
            name = "build/line_map_%s/%s" % (tag, os.path.splitext(os.path.basename(tyl))[0])
            if why:
                fails += 1
                print("FAIL %s: %s" % (name, why))
    print("%s #line maps: %d programs, %d failures" % ("PASS" if not fails else "FAIL", len(progs), fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
