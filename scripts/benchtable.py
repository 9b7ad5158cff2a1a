#!/usr/bin/env python3
"""Print the figures of make bench: one row per benchmark case and kernel.

Usage: benchtable.py DIR KERNEL...

DIR holds KERNEL-N.log, the console of boot N of each kernel; each
benchmark case printed "bench: CASE key=value ...".  Each figure is the
median over the boots, with the range (min-max) for the time.  Then, for
the cases both kernels ran, the ratio of the medians and whether the two
kernels' run-to-run ranges overlap, and, for each CASE-wait /
CASE-decline pair, the ratio of the times reclaim took to reach its
target with a declining and with a waiting subscriber.
"""
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r'bench: (\S+) (.*)')
FIELDS = ('freed', 'busy_freed', 'invalidations', 'mayfail')


def runs(directory, kernel):
    """{case: [{key: int}, ...]}, one dict per boot of KERNEL."""
    found = {}
    for path in sorted(glob.glob(os.path.join(directory, f'{kernel}-*.log'))):
        with open(path, errors='replace') as f:
            for line in f:
                m = LINE.search(line)
                if m:
                    figures = dict(kv.split('=') for kv in m.group(2).split())
                    found.setdefault(m.group(1), []).append(
                        {k: int(v) for k, v in figures.items()})
    return found


def ms(values):
    return statistics.median(values) / 1000


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
        print(f'benchtable.py: no "bench:" lines in {directory}', file=sys.stderr)
        return 1
    print(f'{"case":16} {"kernel":7} {"boots":>5} {"ms median (min-max)":>24} '
          + ' '.join(f'{f:>13}' for f in FIELDS))
    for case in cases:
        for k in kernels:
            boots = data[k].get(case)
            if not boots:
                continue
            us = [b['us'] for b in boots]
            spread = f'{ms(us):.1f} ({min(us) / 1000:.1f}-{max(us) / 1000:.1f})'
            print(f'{case:16} {k:7} {len(boots):5} {spread:>24} '
                  + ' '.join(f'{statistics.median(b.get(f, 0) for b in boots):13g}'
                             for f in FIELDS))
    first, last = kernels[0], kernels[-1]
    print()
    for case in cases:
        if case in data[first] and case in data[last] and first != last:
            a = [b['us'] for b in data[first][case]]
            b = [b['us'] for b in data[last][case]]
            overlap = min(b) <= max(a) and min(a) <= max(b)
            print(f'{case}: {last} {ms(b):.1f} ms '
                  f'({min(b) / 1000:.1f}-{max(b) / 1000:.1f}) vs {first} '
                  f'{ms(a):.1f} ms ({min(a) / 1000:.1f}-{max(a) / 1000:.1f}), '
                  f'ratio {ms(b) / ms(a):.3f}: the ranges '
                  f'{"overlap" if overlap else "DO NOT overlap"}')
    for case in cases:
        if case.endswith('-wait') and case[:-5] + '-decline' in data[last]:
            w = [b['us'] for b in data[last][case]]
            d = [b['us'] for b in data[last][case[:-5] + '-decline']]
            print(f'{case[:-5]}: waiting {ms(w):.1f} ms, declining {ms(d):.1f} ms, '
                  f'declining/waiting {ms(d) / ms(w):.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
