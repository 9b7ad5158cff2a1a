#!/usr/bin/env python3
"""Judge each mmu notifier callback from the facts scripts/audit/notifier.cocci
found (read on stdin): follow its calls into the functions of its own file
and of the local headers that file includes, and say whether it may sleep
where the range is not blockable.  Prints one line per callback:

    OPS.FIELD  CALLBACK  FILE:LINE  VERDICT  DETAIL

VERDICT is n/a (never called in a non-blockable context), clean, guarded
(sleeps only where mmu_notifier_range_blockable() said yes, or its start,
for an hlist end or an interval finish pass, declines every non-blockable
invalidation), sleeps, or undecided (calls through a function pointer, or
into a function Coccinelle could not parse).

Usage: audit.py UNITS < FACTS, where UNITS has one line per file:
"UNIT<TAB>FILE", FILE being UNIT (a .c file) or a header it includes.
"""
import re
import sys
from collections import defaultdict

# The callbacks that may run where sleeping is not allowed: the
# invalidations in the OOM reaper's non-blockable range, and in_use, which
# reclaim asks under the page table lock (7.3 series, patch 15).
NONBLOCK = {"invalidate", "invalidate_start", "invalidate_finish",
            "invalidate_range_start", "invalidate_range_end", "in_use"}
# The second half of a pair runs only after its first half succeeded, in
# the same context: an hlist end after its start, an interval notifier's
# finish pass after its start pass.
START = {"invalidate_range_end": "invalidate_range_start",
         "invalidate_finish": "invalidate_start"}
DEPTH = 8


class Unit:
    def __init__(self, name):
        self.name = name
        self.defs = {}                   # function -> (file, line)
        self.events = defaultdict(list)  # function -> [(line, kind, arg)]
        self.only = defaultdict(set)     # function -> {(first, last)}
        self.after = defaultdict(dict)   # function -> {line: returned}
        with open(name, errors="replace") as f:
            self.text = f.read()

    def add(self, kind, file, line, fn, args):
        line = int(line)
        if kind == "def":
            self.defs[fn] = (file, line)
        elif kind in ("call", "sleep", "gfp", "fp"):
            self.events[fn].append((line, kind, args[0]))
        elif kind == "only":
            self.only[fn].add((line, int(args[0])))
        elif kind == "after":
            self.after[fn][line] = args[0].replace(" ", "")

    def blockable_only(self, fn, line):
        return (any(a <= line <= b for a, b in self.only[fn]) or
                any(line > a for a in self.after[fn]))

    def unparsed(self, fn):
        """fn looks defined in the .c file but Coccinelle has no def."""
        return re.search(r"^(?![\s#])[^;=\n]*\b%s\s*\([^;\n]*$" % re.escape(fn),
                         self.text, re.M) is not None

    def walk(self, cb):
        """Everything that may sleep or escape, reachable from cb:
        [(guarded, kind, what, path)], path a list of (function, line)."""
        found, seen = [], set()

        def visit(fn, guarded, path):
            if (fn, guarded) in seen or len(path) > DEPTH:
                return
            seen.add((fn, guarded))
            sleeps = {(l, a) for l, k, a in self.events[fn] if k == "sleep"}
            for line, kind, arg in sorted(self.events[fn]):
                g = guarded or self.blockable_only(fn, line)
                here = path + [(fn, line)]
                if kind in ("sleep", "gfp", "fp"):
                    found.append((g, kind, arg, here))
                elif (line, arg) in sleeps:
                    continue
                elif arg in self.defs:
                    visit(arg, g, here)
                elif self.unparsed(arg):
                    found.append((g, "unparsed", arg, here))

        visit(cb, False, [])
        return found


def describe(unit, kind, what, path):
    """WHAT() via CALLBACK:LINE > HELPER:LINE [FILE, if not the unit]"""
    steps = " > ".join("%s:%d" % (fn, line) for fn, line in path)
    file = unit.defs.get(path[-1][0], (unit.name,))[0]
    where = "" if file == unit.name else " [%s]" % file
    if kind == "fp":
        return "->%s() via %s%s" % (what, steps, where)
    if kind == "unparsed":
        return "%s() not parsed, via %s%s" % (what, steps, where)
    call = what if kind == "gfp" else what + "()"
    return "%s via %s%s" % (call, steps, where)


def judge(unit, cb, field, start):
    if field not in NONBLOCK:
        return "n/a", "-"
    if cb not in unit.defs:
        return "undecided", "%s not parsed" % cb
    found = sorted(unit.walk(cb), key=lambda f: (len(f[3]), f[3]))
    bad = [f for f in found if not f[0]]
    sleeping = [f for f in bad if f[1] in ("sleep", "gfp")]
    escaping = [f for f in bad if f[1] in ("fp", "unparsed")]
    if field in START and (sleeping or escaping) and start:
        declines = [(l, r) for l, r in unit.after[start].items()
                    if r.startswith("-") or r == "false"]
        if declines:
            return "guarded", "its start declines: %s:%d returns %s" % (
                start, declines[0][0], declines[0][1])
    if sleeping:
        return "sleeps", describe(unit, *sleeping[0][1:])
    if escaping:
        return "undecided", describe(unit, *escaping[0][1:])
    guarded = [f for f in found if f[1] in ("sleep", "gfp")]
    if guarded:
        return "guarded", describe(unit, *guarded[0][1:])
    return "clean", "-"


def main():
    units, owner = {}, defaultdict(list)
    with open(sys.argv[1]) as f:
        for row in f:
            name, file = row.rstrip("\n").split("\t")
            units.setdefault(name, Unit(name))
            owner[file].append(units[name])
    ops = []
    for row in sys.stdin:
        kind, file, line, fn, *args = row.rstrip("\n").split("\t")
        for unit in owner.get(file, []):
            if kind == "ops":
                ops.append((unit, fn, args[0], args[1], int(line)))
            else:
                unit.add(kind, file, line, fn, args)
    rows = [("OPS.FIELD", "CALLBACK", "FILE:LINE", "VERDICT", "DETAIL")]
    for unit, struct, field, cb, line in sorted(
            set(ops), key=lambda o: (o[0].name, o[4])):
        start = next((c for u, s, f, c, _ in ops if u is unit and
                      s == struct and f == START.get(field)), None)
        verdict, detail = judge(unit, cb, field, start)
        line = unit.defs.get(cb, (None, line))[1]
        rows.append(("%s.%s" % (struct, field), cb,
                     "%s:%d" % (unit.name, line), verdict, detail))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])


if __name__ == "__main__":
    main()
