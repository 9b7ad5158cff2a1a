#!/usr/bin/env python3
"""Judge IGT subtests by their result and by the kernel log they left.

Usage: igtverdict.py SUBTEST_DIR...

Each SUBTEST_DIR holds what scripts/igt.sh recorded for one subtest:
  igt.out  the test's output, stdout and stderr, with IGT's result line
           "Subtest NAME: SUCCESS|FAIL|SKIP|CRASH (SECONDS)"
  dmesg    the kernel log of the subtest alone (dmesg --clear before it)
  exit     optional: "exit STATUS", "timeout SECONDS" (killed at the bound)
           or "hung SECONDS" (still there after the bound, unkillable)
  test     optional: the IGT test the subtest is of (xe_exec_basic, ...);
           NAME is then TEST@SUBTEST, as IGT's runner writes it

Prints one line per subtest: "PASS NAME", "FAIL NAME: reasons" or
"SKIP NAME: IGT's reason", then "N passed, N failed, N skipped".  A
subtest fails if IGT says FAIL or CRASH or gives no result, or if its
kernel log holds a report: lockdep, sleeping or scheduling in atomic or
non-blocking context, a WARNING, BUG, Oops, KASAN or hung task (what
scanlog.py counts as a report), or an mmu notifier callback that failed
in blockable context.  Exits 1 if a subtest failed, 2 on bad usage.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in scripts/ for this import
import scanlog  # noqa: E402  (the one place that knows what a report is)

RESULT = re.compile(r'^Subtest (\S+): ([A-Z]+)\b')
STARTING = re.compile(r'^Starting subtest: (\S+)')
DYNAMIC_FAILED = re.compile(r'^Dynamic subtest (\S+): (FAIL|CRASH)\b')
CRITICAL = re.compile(r'CRITICAL: (.*)')
CHILD = re.compile(r'^child \d+ (?:died with signal|failed with exit status) .*')
SIGNAL = re.compile(r'^Received signal SIG\w+')
REQUIREMENT = re.compile(r'^Test requirement: (.*)')
ANSI = re.compile(r'\x1b\[[0-9;]*m')
# mm/mmu_notifier.c names a callback that failed; in non-blockable context
# that is allowed (the caller retries or gives up), in blockable it is not.
CALLBACK_FAILED = re.compile(r'^(.*?) (callback failed .*\bin blockable context)')
# The line after a sleep-in-atomic report: non_block counts the
# non_block_start() sections the task is in, that is, non-blockable notifier
# callbacks.
NON_BLOCK = re.compile(r'\bnon_block: (\d+)')
CPU_PID = re.compile(r'CPU: \d+ PID: \d+ ')
# A victim of the OOM killer other than stress-ng's workers.
OOM_VICTIM = re.compile(r'Killed process (\d+) \(((?!stress-ng)[^)]*)\)')
MAX_REPORTS = 4


def read(path):
    """The lines of PATH without colour codes, or None if it is missing."""
    try:
        with open(path, errors='replace') as f:
            return [ANSI.sub('', l.rstrip('\n')) for l in f]
    except FileNotFoundError:
        return None


def kernel_reports(lines):
    """One description per kernel report in LINES, in order, repeats counted."""
    found = []
    for i, line in enumerate(lines):
        text = line.strip()
        failed = CALLBACK_FAILED.match(text)
        if failed:
            text = f'{failed.group(2).rstrip(".")}: {failed.group(1)}'
        elif scanlog.is_report(text):
            text = CPU_PID.sub('', text)
            if text.startswith('BUG: sleeping function called'):
                m = next(filter(None, map(NON_BLOCK.search, lines[i + 1:i + 3])), None)
                if m and m.group(1) != '0':
                    text += f' (non_block: {m.group(1)}: in a non-blockable notifier callback)'
                elif m:
                    text += ' (non_block: 0: not in a non-blockable notifier callback)'
        else:
            continue
        found.append(text)
    distinct = list(dict.fromkeys(found))
    described = [t if found.count(t) == 1 else f'{t} (x{found.count(t)})'
                 for t in distinct[:MAX_REPORTS]]
    if len(distinct) > MAX_REPORTS:
        described.append(f'and {len(distinct) - MAX_REPORTS} more reports')
    return described


def igt_failure(lines, result):
    """What IGT said about its failure."""
    said = [f'dynamic subtest {m.group(1)}: {m.group(2)}'
            for m in map(DYNAMIC_FAILED.match, lines) if m]
    said += [m.group(0) for m in map(SIGNAL.match, lines) if m]
    said += [m.group(0) for m in map(CHILD.match, lines) if m]
    said += [m.group(1) for m in map(CRITICAL.search, lines)
             if m and not m.group(1).startswith(('Test assertion failure', 'Last errno'))]
    said = list(dict.fromkeys(said))[:2]
    return f'IGT {result}' + (': ' + '; '.join(said) if said else '')


def skip_reason(lines):
    """IGT's reason for a skip: the requirement not met, else its last words."""
    for i, line in enumerate(lines):
        m = REQUIREMENT.match(line)
        if m:
            reason = f'Test requirement: {m.group(1)}'
            following = lines[i + 1].strip() if i + 1 < len(lines) else ''
            if following and not following.startswith(('Subtest ', 'Last errno')):
                reason += f' ({following})'
            return reason
    before = [l.strip() for l in lines
              if l.strip() and not RESULT.match(l) and not STARTING.match(l)]
    return before[-1] if before else 'IGT gave no reason'


def no_result(exit_status):
    """Why there is no result line, from igt.sh's record of how it ended."""
    kind, _, value = exit_status.partition(' ')
    if kind == 'timeout':
        return f'no IGT result: killed at the time bound of {value} s'
    if kind == 'hung':
        return (f'no IGT result: still running {value} s after it started and '
                'could not be killed (the run stopped there)')
    if kind == 'exit' and value.isdigit() and int(value) > 128:
        return f'no IGT result: ended by signal {int(value) - 128}'
    if kind == 'exit' and value == '79':
        return 'no IGT result: IGT does not know this subtest (exit status 79)'
    if kind == 'exit':
        return f'no IGT result (exit status {value})'
    return 'no IGT result'


def verdict(directory):
    """('PASS'|'FAIL'|'SKIP', the subtest's name, the reason)."""
    out = read(os.path.join(directory, 'igt.out')) or []
    dmesg = os.path.join(directory, 'dmesg')
    exit_lines = read(os.path.join(directory, 'exit')) or ['']
    exit_status = exit_lines[0].strip()

    # IGT names the subtest; if it did not, the directory's name does.
    name, result = None, None
    for line in out:
        m = RESULT.match(line) or STARTING.match(line)
        if m:
            name = m.group(1)
            result = m.group(2) if m.re is RESULT else result
    test = (read(os.path.join(directory, 'test')) or [''])[0].strip()
    if name is None:
        name = os.path.basename(os.path.normpath(directory))
    elif test:
        name = f'{test}@{name}'

    problems = []
    if exit_status.startswith(('timeout', 'hung')):
        problems.append(no_result(exit_status))
    elif result is None:
        problems.append(no_result(exit_status))
    if result in ('FAIL', 'CRASH'):
        problems.append(igt_failure(out, result))
    elif result not in (None, 'SUCCESS', 'SKIP'):
        problems.append(f'IGT {result}')
    if os.path.exists(dmesg):
        log = scanlog.read_log(dmesg)
        problems += kernel_reports(log)
        victims = [m for m in map(OOM_VICTIM.search, log) if m]
        if problems and victims:
            problems.append(f'the OOM killer killed {victims[0].group(2)} '
                            f'(pid {victims[0].group(1)}): less memory pressure '
                            '(IGT_VM_BYTES) may avoid that')
    else:
        problems.append('no kernel log was recorded')

    if problems:
        return 'FAIL', name, '; '.join(problems)
    if result == 'SKIP':
        return 'SKIP', name, skip_reason(out)
    return 'PASS', name, ''


def main(argv):
    if len(argv) < 2 or argv[1].startswith('-'):
        print(__doc__, file=sys.stderr)
        return 2
    missing = [d for d in argv[1:] if not os.path.isdir(d)]
    if missing:
        print(f'igtverdict.py: not a directory: {" ".join(missing)}', file=sys.stderr)
        return 2
    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for directory in argv[1:]:
        kind, name, reason = verdict(directory)
        counts[kind] += 1
        print(f'{kind} {name}' + (f': {reason}' if reason else ''))
    print(f'{counts["PASS"]} passed, {counts["FAIL"]} failed, {counts["SKIP"]} skipped')
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
