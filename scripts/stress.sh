#!/usr/bin/env bash
# Boot the x86_64 lockdep + KASAN kernel that kunit.sh built, with four
# CPUs, and run the suite's stress case alone: $STRESS_THREADS kernel
# threads sharing one mm for $STRESS_SECONDS s (defaults: 5 threads, 20 s;
# make stress runs 8 threads for 240 s, the most this allows: the hung
# task detector would report KUnit's runner, waiting for the case).  The
# case must pass and the kernel log must hold no report.  Prints the
# case's figures; on a failure, the reports in the kernel log, or its
# last lines.  A task stuck in D state for 280 s is reported by the hung
# task detector (configs/x86_64-debug.config), at most about 560 s after
# it stuck, and the boot is bounded 900 s past the run.
# Usage: stress.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

seconds=${STRESS_SECONDS:-20}
threads=${STRESS_THREADS:-5}
log=$LOGS/stress-x86_64.log

[ -f "$BUILD/x86_64/.config" ] || die "no x86_64 kernel: run 'make check' first (it builds it)"
# KASAN, lockdep and the sleep checks, and SMP.
require_config "$BUILD/x86_64" lockdep.config x86_64-debug.config x86_64-hmm.config
[ "$seconds" -le 240 ] || die "STRESS_SECONDS=$seconds: at most 240, below the hung task detector's 280 s"

note "stress: $threads threads for $seconds s on 4 CPUs"
status=0
KLOG=stress-x86_64 "$here/kunit.sh" x86_64 exec --qemu_args='-smp 4' \
	--timeout=$((seconds + 900)) \
	--kernel_args="test_mmu_notifier.stress_seconds=$seconds" \
	--kernel_args="test_mmu_notifier.stress_threads=$threads" \
	'mmu_notifier_stress' >"$LOGS/stress-x86_64.out" 2>&1 || status=$?
grep -ho 'stress: threads=.*' "$log" | sed 's/^/    /' || true
# What the case said when it failed, from the kernel log.
grep -A5 'EXPECTATION FAILED' "$log" | grep -v EXPECTATION | head -n 20 || true
if [ "$status" -ne 0 ]; then
	# scanlog.py prints the reports; with none, the end of the log.
	! "$here/scanlog.py" "$log" || tail -n 12 "$log" | sed 's/^/    /'
	die "the stress case failed (kunit.py: $LOGS/stress-x86_64.out, kernel log: $log)"
fi
grep -q 'ok 1 mmu_notifier_stress_run$' "$log" ||
	die "the stress case did not run, or was skipped (kernel log: $log)"
"$here/scanlog.py" "$log"
