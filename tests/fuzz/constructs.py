"""Grammar-aware mutations that put the newest constructs into a program (mutate.py and
differential.py --constructs=1 import this module): statements of np.split/array_split,
searchsorted/digitize, insert/delete, tensordot, fmax/fmin, take, atleast_nd, np.ix_, divmod
of arrays, ufunc out=, None-or-array names, inserted after a line with its indentation and
reading the program's own names; and the module's numeric constants moved into a @dataclass
(fields with defaults, nested, constructed positionally or by keyword, read back through the
instance).

Each mutation keeps the program's text valid Python where the names it reads are arrays or
numbers (it cannot know which they are: a wrong guess is a compile-time refusal, NumPy's
error or both, which the scripts compare). rnd is the caller's random.Random, so a seed
reproduces its mutants.
"""
import re

# '{a}' and '{b}' are names of the program (arrays, numbers or anything else), '{k}' an int, '{x}'
# a float, '{t}' a fresh name
TEMPLATES = [
    '{t} = np.split({a}, {k})',
    '{t} = np.array_split({a}, {k})',
    '{t} = np.array_split({a}, {k}, axis=-1)',
    '{t} = np.split({a}, [{k}, -{k}])',
    '{t}, {t}2 = np.array_split({a}, 2)',
    '{t} = np.hsplit({a}, [{k}])',
    '{t} = np.vsplit({a}, 1)',
    '{a}_l, {a}_r = np.split({a}, [{k}])\n{i}{a}_l[...] = {x}',
    '{t} = np.searchsorted({a}, {b})',
    '{t} = np.searchsorted({a}, {x}, side="right")',
    '{t} = np.digitize({a}, np.linspace(-1.0, 1.0, {k}))',
    '{t} = np.digitize({b}, {a}, right=True)',
    '{t} = np.insert({a}, {k}, {x})',
    '{t} = np.insert({a}, -{k}, {b}, axis=0)',
    '{a} = np.delete({a}, {k})',
    '{t} = np.delete({a}, [0, -1], axis=-1)',
    '{t} = np.tensordot({a}, {b}, axes={k})',
    '{t} = np.tensordot({a}, {a}, axes=([0], [0]))',
    '{t} = np.fmax({a}, {b})',
    '{t} = np.fmin({a}, {x})',
    '{t} = np.take({a}, [{k}, -1])',
    '{t} = np.take({a}, {k}, axis=0)',
    '{t} = np.atleast_2d({a})',
    '{t} = np.atleast_3d({a})[..., 0]',
    '{t} = np.signbit({a})',
    '{t} = np.reciprocal({a})',
    '{t} = np.nancumsum({a}, axis=0)',
    '{t} = {a}[np.ix_([0, -1], [{k}])]',
    '{a}[np.ix_([0, {k}], [0])] += {x}',
    '{t}, {t}r = divmod({a}, {x})',
    '{t}, {t}r = divmod({a}, {b})',
    'np.add({a}, {b}, out={a})',
    'np.multiply({a}, {x}, out={a})',
    'np.negative({a}, out={b})',
    '{t} = None\n{i}if {b} is not None:\n{i}    {t} = {a}.copy()',
    '{t} = None\n{i}for {t}_i in range({k}):\n{i}    {t} = {a} * {x}',
    '{a} = None if {k} > 2 else {a}',
    '{t} = None\n{i}if {k} > 1:\n{i}    {t} = np.zeros_like({a})\n{i}if {t} is not None:\n{i}    {t} += {a}',
]
INTS = ['0', '1', '2', '3', '-1', '7', '64', '9223372036854775807']
FLOATS = ['0.5', '-1.0', '0.0', '-0.0', 'np.nan', 'np.inf', '1e300', '2']
KEYWORDS = {'False', 'None', 'True', 'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif',
            'else', 'except', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not',
            'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'np', 'numpy', 'print', 'range',
            'len', 'self', 'math', 'int', 'float'}


def assigned_names(src):
    """The plain names a program assigns (arrays and numbers among them), in order of first use."""
    seen = []
    for m in re.finditer(r'^[ \t]*([A-Za-z_][A-Za-z_0-9]*)\s*(?:\[[^\]\n]*\]\s*)?[-+*/]?=(?!=)', src, re.M):
        if m.group(1) not in KEYWORDS and m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def insert_construct(src, rnd):
    """One construct statement after a line that is not a block's header or a decorator."""
    lines = src.split('\n')
    names = assigned_names(src)
    if not names:
        return src
    body = [n for n, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(('#', '@')) and
            not line.rstrip().endswith((':', '\\', ',', '(', '[')) and not re.match(r'\s*(return|break|continue)\b', line)]
    if not body:
        return src
    n = rnd.choice(body)
    ind = re.match(r'[ \t]*', lines[n]).group(0)
    t = '%s_%d' % (rnd.choice(['tmp', 'parts', 'idx', 'q', 'snap']), rnd.randrange(100))
    stmt = rnd.choice(TEMPLATES).format(a=rnd.choice(names), b=rnd.choice(names), k=rnd.choice(INTS),
                                        x=rnd.choice(FLOATS), t=t, i=ind)
    if rnd.random() < .5: # read it, so the lowering cannot drop it as dead
        first = re.match(r'([A-Za-z_][A-Za-z_0-9]*)', stmt)
        if first and not stmt.startswith('np.'):
            stmt += '\n%sprint(%s)' % (ind, first.group(1))
    lines[n + 1:n + 1] = [ind + s if k == 0 else s for k, s in enumerate(stmt.split('\n'))]
    return '\n'.join(lines)


def dataclassify(src, rnd):
    """The module's `NAME = NUMBER` constants (up to 6) as fields of a @dataclass P (a nested one
    holding some of them, a field left without a default and given at construction, keyword and
    positional construction), the names bound again from the instance: `nx = p.nx`."""
    lines = src.split('\n')
    consts = [(n, m.group(1), m.group(2)) for n, line in enumerate(lines)
              for m in [re.match(r'([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(-?[0-9][0-9_.eE+-]*|True|False)\s*(#.*)?$', line)] if m]
    if not consts:
        return src
    consts = consts[:rnd.randrange(1, 7)]
    last = max(n for n, _, _ in consts)
    kind = lambda v: 'bool' if v in ('True', 'False') else 'float' if re.search(r'[.eE]', v) else 'int'
    nest = len(consts) > 1 and rnd.random() < .4
    inner, outer = (consts[:1], consts[1:]) if nest else ([], consts)
    required = outer[0][1] if rnd.random() < .3 else None
    cls = ['from dataclasses import dataclass', '', '']
    if inner:
        cls += ['@dataclass', 'class Inner:'] + ['    %s: %s = %s' % (k, kind(v), v) for _, k, v in inner] + ['', '']
    cls += ['@dataclass' + rnd.choice(['', '(frozen=True)', '()']), 'class P:']
    if required:
        cls.append('    %s: %s' % (required, kind(outer[0][2])))
    if inner:
        cls.append('    inner: Inner')
    cls += ['    %s: %s = %s' % (k, kind(v), v) for _, k, v in outer if k != required]
    if rnd.random() < .3:
        cls += ['', '    def total(self):', '        return %s' % ' + '.join('self.%s' % k for _, k, _ in outer)]
    args = ([outer[0][2]] if required else []) + (['Inner()'] if inner else [])
    if rnd.random() < .5 and required:
        args = ['%s=%s' % (required, outer[0][2])] + (['inner=Inner()'] if inner else [])
    use = ['p = P(%s)' % ', '.join(args)] + ['%s = p.%s' % (k, k) for _, k, _ in outer] + \
          ['%s = p.inner.%s' % (k, k) for _, k, _ in inner]
    drop = {n for n, _, _ in consts}
    rest = [line for n, line in enumerate(lines) if n not in drop]
    at = last + 1 - sum(1 for n in drop if n <= last)
    # the class after the imports (a program's first non-import line), the uses where the
    # constants were
    head = next((n for n, line in enumerate(rest) if line.strip() and not line.startswith(('import', 'from', '#'))),
                len(rest))
    head = min(head, at)
    return '\n'.join(rest[:head] + cls + [''] + rest[head:at] + use + rest[at:])
