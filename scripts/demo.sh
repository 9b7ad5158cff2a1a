#!/usr/bin/env bash
# The main job, on BASE: fetch the base, apply the series, build the UML
# lockdep kernel, run the series' KUnit suite and print what each case
# proves, then boot once per provoking case and show the report it
# provokes.  It stops at the first step that fails and names that step's
# log.  The last line is the verdict: "demo: base B: ..." passed, FAILED,
# or SKIPPED when the series has no suite yet (as make check skips).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
say_base
# The base's .deb, git tree and check worktree need about 5 GiB, once;
# the UML build and logs about 1.
if [ -d "$CHECK_TREE" ]; then need_space demo 1; else need_space demo 6; fi
mkdir -p "$LOGS"

# failed WHAT: the verdict line for a demo that stopped, and stop.
failed() {
	echo "demo: base $BASE: FAILED: $*"
	exit 1
}

# step WHAT LOG COMMAND...: run COMMAND with its output in LOG; if it
# fails, say what failed and where its log is, and stop.
step() {
	local what=$1 log=$2
	shift 2
	note "$what (log: $log)"
	"$@" >"$log" 2>&1 && return 0
	tail -n 15 "$log" | sed 's/^/    /' >&2
	failed "$what; the whole log is $log"
}

step "installing what the project needs" "$LOGS/demo-deps.log" "$here/deps.sh"
step "making the base tree" "$LOGS/demo-base.log" "$here/base.sh"
step "applying $SERIES_NAME/ to the base" "$LOGS/demo-apply.log" "$here/checktree.sh"
if [ ! -f "$CHECK_TREE/$SUITE_KUNITCONFIG" ]; then
	# As make check skips what a series does not have yet.
	echo "demo: base $BASE: SKIPPED: the series in $SERIES_NAME/ has no KUnit suite ($SUITE_KUNITCONFIG) yet: nothing to show ($(bases | grep -vxF "$BASE" | sed 's/^/make demo BASE=/' | paste -sd ',' | sed 's/,/, /g') shows another)"
	exit 0
fi
step "building the UML lockdep kernel and running 'mmu_notifier*' (a few minutes cold)" \
	"$LOGS/demo.log" "$here/kunit.sh" um run --json="$LOGS/demo.json" 'mmu_notifier*'

echo
echo "== The suite, case by case (kernel log: $LOGS/kunit-um.log)"
"$here/summary.py" "$LOGS/demo.json" "$CHECK_TREE" | tee "$LOGS/demo-summary.txt" ||
	failed "a case of the suite did not pass (above); kernel log: $LOGS/kunit-um.log"
passed=$(grep -c '^PASS ' "$LOGS/demo-summary.txt" || true)

echo
echo "== Cases that provoke a report, one boot each (test_mmu_notifier.provoke=1)"
"$here/reports.sh" um ||
	failed "a case did not provoke its report alone (above); logs in $LOGS/report-um-*"
reports=0
while IFS=$'\t' read -r case report; do
	echo
	echo "-- ${case#*.}: the report, from $LOGS/report-um-${case#*.}.log"
	grep -E -m1 -B 2 -A 12 "$report" "$LOGS/report-um-${case#*.}.log" | sed 's/^/   /'
	reports=$((reports + 1))
done < <(rows "$EXPECTED_REPORTS")
echo
echo "demo: base $BASE: $passed cases passed, $reports reports provoked as expected"
