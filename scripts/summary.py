#!/usr/bin/env python3
"""Print a KUnit run for people: each case, what it proves, its verdict.

Usage: summary.py KUNIT_JSON TREE

"What it proves" is the first sentence of the comment just above the case's
function in the series' suite (lib/test_mmu_notifier.c in TREE).  Exits 1
if a case did not pass or was skipped without reason.
"""
import json
import os
import re
import sys

SUITE_SOURCE = 'lib/test_mmu_notifier.c'


def descriptions(tree):
    """Map each test function in the suite to the comment above it."""
    try:
        with open(os.path.join(tree, SUITE_SOURCE)) as f:
            src = f.read()
    except OSError:
        return {}
    found = {}
    for m in re.finditer(r'/\*((?:(?!\*/).)*)\*/\s*'
                         r'static void (\w+)\(struct kunit \*\w+\)', src, re.S):
        text = ' '.join(l.strip(' *') for l in m.group(1).splitlines()).strip()
        found[m.group(2)] = re.split(r'(?<=\.)\s', text, 1)[0]
    return found


def cases(group, path=()):
    """Yield (names, status) for every case in a kunit.py JSON group: names
    is (suite, case) or, for a parameterised case, (suite, case, param)."""
    for case in group.get('test_cases', []):
        yield path + (case['name'],), case['status']
    for sub in group.get('sub_groups', []):
        yield from cases(sub, path + (sub['name'],))


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            result = json.load(f)
    except (OSError, ValueError) as e:
        print(f'summary.py: no KUnit results ({e}): see the kunit.py output',
              file=sys.stderr)
        return 1
    what = descriptions(argv[2])
    counts = {}
    described = set()
    for names, status in cases(result):
        counts[status] = counts.get(status, 0) + 1
        print(f'{status:5} {".".join(names)}')
        case = names[1] if len(names) > 1 else names[0]
        if case in what and case not in described:
            print(f'      {what[case]}')
            described.add(case)
    print(', '.join(f'{n} {s.lower()}' for s, n in sorted(counts.items())) or
          'no test ran')
    return 0 if counts and set(counts) <= {'PASS', 'SKIP'} else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
