#!/usr/bin/env python3
"""Print the figures of make bench: one row per benchmark case and kernel.

Usage: benchtable.py DIR KERNEL...

DIR holds KERNEL-N.log, the console of boot N of each kernel; each
benchmark case printed "bench: CASE us=N key=value ...", once or more a
boot (each a run).  A run that did not reach its target (freed < target)
is left out of its case, and said.  Each figure is the median over the
runs, with the range (min-max) for the time.  Then, for the cases both
the first and the last kernel ran, the ratios of the medians and of the
minima, and whether the two kernels' ranges overlap; and, per
kernel, for each CASE-wait and CASE-OTHER pair (OTHER: keep, decline),
the ratio of their medians; and OTHER's time (and for "idle", wait's
too) against the case "none" (no subscriber), if the kernel ran it with
the same target, and against CASE-cpu and CASE-cpusub (the same pages
referenced by the CPU instead, with no subscriber, and under an idle
one), if the kernel ran them: ratios of the medians, and of the minima
(a busy machine only adds to a time).
"""
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r'bench: (\S+) (us=.*)')


def runs(directory, kernel):
    """{case: [{key: int}, ...]}, one dict per run in the boots of KERNEL."""
    found = {}
    name = re.compile(re.escape(kernel) + r'-\d+\.log')
    for path in sorted(glob.glob(os.path.join(directory, f'{kernel}-*.log'))):
        if not name.fullmatch(os.path.basename(path)):
            continue
        with open(path, errors='replace') as f:
            for number, line in enumerate(f, 1):
                m = LINE.search(line)
                if m:
                    try:
                        figures = {k: int(v) for k, v in
                                   (kv.split('=') for kv in m.group(2).split())}
                    except ValueError:
                        figures = {}
                    if not {'us', 'freed', 'target'} <= figures.keys():
                        print(f'{path}:{number}: not a whole "bench:" line '
                              f'(us=, freed=, target=): left out',
                              file=sys.stderr)
                        continue
                    if figures['freed'] < figures['target']:
                        print(f'{path}: {m.group(1)} freed {figures["freed"]} '
                              f'of its target {figures["target"]}: left out',
                              file=sys.stderr)
                        continue
                    found.setdefault(m.group(1), []).append(figures)
    return found


def ms(values):
    return statistics.median(values) / 1000


def spread(values, unit=''):
    """'MEDIAN[UNIT] (MIN-MAX)' of times in us, in ms."""
    return (f'{ms(values):.2f}{unit} '
            f'({min(values) / 1000:.2f}-{max(values) / 1000:.2f})')


def ratio(name, a, b):
    """', NAME R min M': A's times against B's, medians and minima."""
    return f', {name} {ms(a) / ms(b):.2f} min {min(a) / min(b):.2f}'


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    directory, kernels = argv[1], argv[2:]
    data = {k: runs(directory, k) for k in kernels}
    cases = []
    for k in kernels:
        cases += [c for c in data[k] if c not in cases]
    if not cases:
        print(f'benchtable.py: no run in {directory} to show (no "bench:" line, '
              f'or none that reached its target)', file=sys.stderr)
        return 1
    fields = []
    for k in kernels:
        for boots in data[k].values():
            for b in boots:
                fields += [f for f in b if f != 'us' and f not in fields]
    print(f'{"case":16} {"kernel":12} {"runs":>5} {"ms median (min-max)":>24} '
          + ' '.join(f'{f:>13}' for f in fields))
    for case in cases:
        for k in kernels:
            boots = data[k].get(case)
            if not boots:
                continue
            us = [b['us'] for b in boots]
            print(f'{case:16} {k:12} {len(boots):5} {spread(us):>24} '
                  + ' '.join(f'{statistics.median(b.get(f, 0) for b in boots):13g}'
                             for f in fields))
    first, last = kernels[0], kernels[-1]
    print()
    for case in cases:
        if case in data[first] and case in data[last] and first != last:
            a = [b['us'] for b in data[first][case]]
            b = [b['us'] for b in data[last][case]]
            overlap = min(b) <= max(a) and min(a) <= max(b)
            print(f'{case}: {last} {spread(b, " ms")} vs {first} '
                  f'{spread(a, " ms")}, '
                  f'ratio {ms(b) / ms(a):.3f} (minima {min(b) / min(a):.3f}): '
                  f'the ranges '
                  f'{"overlap" if overlap else "DO NOT overlap"}')
    for k in kernels:
        for case in cases:
            if not case.endswith('-wait') or case not in data[k]:
                continue
            w = [b['us'] for b in data[k][case]]
            # The limits are limits of the cases with the same target only.
            target = data[k][case][0].get('target')
            limits = {s: [b['us'] for b in data[k].get(c, [])
                          if b.get('target') == target]
                      for s, c in (('none', 'none'),
                                   ('cpu', f'{case[:-5]}-cpu'),
                                   ('cpusub', f'{case[:-5]}-cpusub'))}
            none = limits['none']
            line = f'{k} {case[:-5]}: waiting {ms(w):.1f} ms'
            if none and case == 'idle-wait':
                line += f' ({ratio("waiting/none", w, none)[2:]})'
            for other in ('keep', 'decline'):
                o = data[k].get(f'{case[:-5]}-{other}')
                if o:
                    o = [b['us'] for b in o]
                    line += (f', {other} {ms(o):.2f} ms '
                             f'({other}/waiting {ms(o) / ms(w):.4f}')
                    # Medians, and minima: a machine's noise only adds.
                    for s, lim in limits.items():
                        if lim:
                            line += ratio(f'{other}/{s}', o, lim)
                    line += ')'
            for s, lim in limits.items():
                if lim:
                    line += f'; {s} {ms(lim):.2f} ms'
            print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
