#!/usr/bin/env bash
# What a MAYFAIL decline buys reclaim: boot the UML kernel of the last
# `make check` or `make demo` with test_mmu_notifier.bench=1 and print the
# MADV_PAGEOUT timings of the suite's benchmark case.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$LOGS"

[ -x "$BUILD/um/linux" ] || die "no UML kernel in $BUILD/um: run 'make demo' or 'make check' first"
KLOG=bench-um "$(dirname "$0")/kunit.sh" um exec \
	--kernel_args=test_mmu_notifier.bench=1 'mmu_notifier_bench.*' >"$LOGS/bench-um.out" 2>&1 ||
	die "the benchmark boot failed (see $LOGS/bench-um.out)"
grep -o 'MADV_PAGEOUT of .*' "$LOGS/bench-um.log" ||
	die "the kernel printed no timings: does the series have the benchmark? (see $LOGS/bench-um.log)"
