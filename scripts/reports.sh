#!/usr/bin/env bash
# Boot the built ARCH kernel once for each case in the series'
# expected-reports (patches/ or backports/BASE/),
# with test_mmu_notifier.provoke=1: the case must pass and its boot's log
# must hold the report it provokes and no other.  The suite's provoking
# cases must all be listed there.  Usage: reports.sh um|x86_64
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$LOGS"
here=$(dirname "$0")

arch=${1:?usage: reports.sh um|x86_64}
table=$EXPECTED_REPORTS
provoke=--kernel_args=test_mmu_notifier.provoke=1

# Every provoking case of the suite needs an expected report.
KLOG=reports-list-$arch "$here/kunit.sh" "$arch" exec --list_tests \
	'mmu_notifier_reports.*' >"$LOGS/reports-list-$arch.txt" 2>&1 ||
	die "could not list the suite's cases (see $LOGS/reports-list-$arch.txt)"
listed=$(grep -xE 'mmu_notifier_reports\.[a-z0-9_]+' "$LOGS/reports-list-$arch.txt" | sort -u)
expected=$(rows "$table" | cut -f1 | sort -u)
[ -n "$listed" ] || die "the kernel lists no mmu_notifier_reports cases"
missing=$(comm -23 <(echo "$listed") <(echo "$expected"))
[ -z "$missing" ] || die "cases with no expected report in $table:
$missing"

bad=0
while IFS=$'\t' read -r case report; do
	log=report-$arch-${case#*.}
	if KLOG=$log "$here/kunit.sh" "$arch" exec "$provoke" "$case" \
		>"$LOGS/$log.out" 2>&1 &&
		"$here/scanlog.py" "$LOGS/$log.log" "$report"; then
		echo "ok   $case: $report"
	else
		echo "FAIL $case (kunit.py: $LOGS/$log.out, kernel log: $LOGS/$log.log)"
		grep -E '^\s*(# |not ok|\[FAILED\])' "$LOGS/$log.out" | head -n 10 || true
		bad=$((bad + 1))
	fi
done < <(rows "$table")
[ "$bad" -eq 0 ] || die "$bad provoking cases failed on $arch"
