#!/usr/bin/env python3
"""The run-time library's call graph between files, read from its objects' symbols, and the
circles in it (strongly connected components, Tarjan).

File A depends on file B when A's object names a symbol (function or data, `nm` type U) that
B's object defines. A component of more than one file is a circle: those files call each
other round a loop, which STYLE.md's layering forbids ("modules do not call each other in a
circle"). The library is layered when every component is a single file; a circle that is
allowed stays listed in ALLOWED below with the reason.

usage: tools/rt_layers.py [--check] [--dot] OBJ...
  (no flag)  prints each file's layer (0 = calls no other file of the library) and each circle
  --check    also exits 1 when a circle is not one of ALLOWED (the test: tests/unit/layers.sh)
  --dot      prints the graph in Graphviz's dot language instead
"""
import os
import subprocess
import sys

# Circles that are allowed, as sets of file names (without .o), each with the reason.
ALLOWED = {}


def symbols(obj):
    """(defined, undefined) external symbol names of one object file."""
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper() and kind != "N":
            # T text, D/B/R data, C common, V/W weak: what another object can name
            # (lower case ones are static: no other object can)
            defined.add(name)
    return defined, undefined


def graph(objs):
    """{file: {file it depends on: the symbols it names there}}, files named by their base name without .o."""
    names = [os.path.splitext(os.path.basename(o))[0] for o in objs]
    if len(set(names)) != len(names):
        sys.exit("rt_layers.py: two objects share a base name")
    owner, needs = {}, {}
    for name, obj in zip(names, objs):
        defined, undefined = symbols(obj)
        needs[name] = undefined
        for sym in defined:
            owner.setdefault(sym, name)
    edges = {n: {} for n in names}  # {caller: {callee: set of symbols}}
    for name in names:
        for sym in needs[name]:
            o = owner.get(sym)
            if o is not None and o != name:
                edges[name].setdefault(o, set()).add(sym)
    return edges


def tarjan(edges):
    """The strongly connected components, callees before callers."""
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # iterative: the library's graph is small, but recursion depth is not ours to spend
        work = [(v, iter(sorted(edges[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                comps.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return comps


def layers(edges, comps):
    """Each file's layer: 0 when it depends on no other component, else 1 + its callees' most."""
    comp_of = {f: i for i, c in enumerate(comps) for f in c}
    layer = {}
    for i, comp in enumerate(comps):  # callees first (Tarjan's order)
        deps = {comp_of[w] for f in comp for w in edges[f]} - {i}
        layer[i] = 1 + max((layer[d] for d in deps), default=-1)
    return {f: layer[comp_of[f]] for f in edges}


def main(argv):
    check = "--check" in argv
    dot = "--dot" in argv
    objs = [a for a in argv if not a.startswith("--")]
    if not objs:
        sys.exit(__doc__.strip())
    edges = graph(objs)
    comps = tarjan(edges)
    if dot:
        print("digraph rt {")
        for f in sorted(edges):
            for w in sorted(edges[f]):
                print(f'  "{f}" -> "{w}";')
        print("}")
        return 0
    lay = layers(edges, comps)
    for f in sorted(edges, key=lambda f: (-lay[f], f)):
        print(f"layer {lay[f]:2d}  {f}  -> {' '.join(sorted(edges[f])) or '-'}")
    circles = [c for c in comps if len(c) > 1]
    bad = 0
    for c in circles:
        allowed = ALLOWED.get(frozenset(c))
        print(f"circle of {len(c)} files{' (allowed: ' + allowed + ')' if allowed else ''}: "
              + " ".join(c))
        if not allowed:
            bad += 1
            inside = set(c)
            for f in c:
                for w in sorted(set(edges[f]) & inside):
                    print(f"  {f} -> {w}: {' '.join(sorted(edges[f][w]))}")
    print(f"{len(edges)} files, {len(circles)} circle(s), {bad} not allowed")
    return 1 if check and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
