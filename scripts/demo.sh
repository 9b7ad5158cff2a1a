#!/usr/bin/env bash
# The main job: fetch the base, apply the series, build the UML lockdep
# kernel, run the series' KUnit suite and print what each case proves,
# then boot once per provoking case and show the report it provokes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/deps.sh"
"$here/base.sh"
"$here/checktree.sh"
if [ ! -f "$CHECK_TREE/$SUITE_KUNITCONFIG" ]; then
	note "the series has no KUnit suite yet: running the existing mm suites only"
	glob='*'
else
	glob='mmu_notifier*'
fi
note "building the UML lockdep kernel and running '$glob' (a few minutes cold)"
status=0
"$here/kunit.sh" um run --json="$LOGS/demo.json" "$glob" >"$LOGS/demo.log" 2>&1 || status=$?
echo
echo "== The suite, case by case (kernel log: $LOGS/kunit-um.log)"
"$here/summary.py" "$LOGS/demo.json" "$CHECK_TREE" || status=1
[ -f "$CHECK_TREE/$SUITE_KUNITCONFIG" ] || exit "$status"

echo
echo "== Cases that provoke a report, one boot each (test_mmu_notifier.provoke=1)"
"$here/reports.sh" um || status=1
while IFS=$'\t' read -r case report; do
	echo
	echo "-- ${case#*.}: the report, from $LOGS/report-um-${case#*.}.log"
	grep -E -m1 -B 2 -A 12 "$report" "$LOGS/report-um-${case#*.}.log" | sed 's/^/   /' || true
done < <(rows "$CONFIGS/expected-reports")
exit "$status"
