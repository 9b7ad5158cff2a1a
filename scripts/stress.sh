#!/usr/bin/env bash
# Boot the x86_64 lockdep + KASAN kernel that kunit.sh built, with four
# CPUs, and run the suite's stress case alone: $STRESS_THREADS kernel
# threads sharing one mm for $STRESS_SECONDS s (defaults: 5 threads, 20 s;
# make stress runs 8 threads for 240 s, within KUnit's 300 s bound on a
# case).  The case must pass and the kernel log must hold no report.
# Prints the case's figures.  Usage: stress.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

seconds=${STRESS_SECONDS:-20}
threads=${STRESS_THREADS:-5}
log=$LOGS/stress-x86_64.log

[ -f "$BUILD/x86_64/.config" ] || die "no x86_64 kernel: run 'make check' first (it builds it)"
# KASAN, lockdep and the sleep checks, and SMP.
require_config "$BUILD/x86_64" lockdep.config x86_64-debug.config x86_64-hmm.config
[ "$seconds" -le 270 ] || die "STRESS_SECONDS=$seconds: KUnit stops a case after 300 s"

note "stress: $threads threads for $seconds s on 4 CPUs"
status=0
KLOG=stress-x86_64 "$here/kunit.sh" x86_64 exec --qemu_args='-smp 4' \
	--kernel_args="test_mmu_notifier.stress_seconds=$seconds" \
	--kernel_args="test_mmu_notifier.stress_threads=$threads" \
	'mmu_notifier_stress' >"$LOGS/stress-x86_64.out" 2>&1 || status=$?
grep -ho 'stress: threads=.*' "$log" | sed 's/^/    /' || true
# What the case said when it failed, from the kernel log.
grep -A5 'EXPECTATION FAILED' "$log" | grep -v EXPECTATION | head -n 20 || true
[ "$status" -eq 0 ] || die "the stress case failed (kunit.py: $LOGS/stress-x86_64.out, kernel log: $log)"
grep -q 'ok 1 mmu_notifier_stress_run$' "$log" ||
	die "the stress case did not run, or was skipped (kernel log: $log)"
"$here/scanlog.py" "$log"
