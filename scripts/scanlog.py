#!/usr/bin/env python3
"""Scan a kernel log for reports no test asked for.

Usage: scanlog.py LOG [EXPECTED_REGEX]

Every lockdep report, WARNING:, BUG:, hung task, Oops or panic in LOG is a
report.  With EXPECTED_REGEX, reports whose first line matches it are
expected (the one provoking case of this boot asked for them) and at least
one must be present.  Prints the unexpected reports; exits 1 if there is one,
or if an expected report is missing.
"""
import re
import sys

REPORT = re.compile(r'(WARNING:|BUG:|BUG [\w-]+ \(|INFO: task .* blocked|'
                    r'Oops|Kernel panic|general protection fault|'
                    r'UBSAN:|KASAN:|detected stalls? on CPUs|'
                    r'self-detected stall)')
# Reports of the base kernel that every boot prints, with the reason each is
# not ours to fix here.
KNOWN = [
    # kunit.py's arch_uml.config enables UML_PCI_OVER_VIRTIO without a device
    # ID; 6.12's virt-pci.c then WARNs once at boot.  Not related to mm.
    re.compile(r'WARNING: .* at \S*arch/um/drivers/virt-pci\.c:'),
]
# kunit.py's own lines and the dmesg timestamp, stripped before matching.
PREFIX = re.compile(r'^(\[[\d:. ]+\]\s*)*')
CONTEXT = 12


def read_log(path):
    """The lines of the kernel log PATH without the prefixes; OSError if unreadable."""
    with open(path, errors='replace') as f:
        return [PREFIX.sub('', l.rstrip('\n')) for l in f]


def is_report(line):
    """Does LINE start a kernel report, other than a known one?"""
    return bool(REPORT.search(line)) and not any(k.search(line) for k in KNOWN)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        lines = read_log(argv[1])
    except OSError as e:
        print(f'scanlog.py: cannot read the kernel log: {e}', file=sys.stderr)
        return 1
    expected = re.compile(argv[2]) if len(argv) == 3 else None
    unexpected, seen_expected = [], 0
    for i, line in enumerate(lines):
        if not is_report(line):
            continue
        if expected and expected.search(line):
            seen_expected += 1
            continue
        unexpected.append(i)
    for i in unexpected:
        print(f'{argv[1]}:{i + 1}: unexpected report:')
        print('\n'.join('    ' + l for l in lines[i:i + CONTEXT]))
    if expected and not seen_expected:
        print(f'{argv[1]}: the expected report /{argv[2]}/ is missing')
        return 1
    return 1 if unexpected else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
