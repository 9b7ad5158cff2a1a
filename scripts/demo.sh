#!/usr/bin/env bash
# The main job: fetch the base, apply the series, build the UML lockdep
# kernel, run the series' KUnit suite and print what each case proves.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/deps.sh"
"$here/base.sh"
"$here/checktree.sh"
if [ -f "$CHECK_TREE/$SUITE_KUNITCONFIG" ]; then
	glob='mmu_notifier*'
else
	note "the series does not add lib/test_mmu_notifier.c yet: running the existing mm suites"
	glob='*'
fi
status=0
"$here/kunit.sh" um --json="$LOGS/demo.json" "$glob" >"$LOGS/demo.log" 2>&1 || status=$?
"$here/summary.py" "$LOGS/demo.json" "$CHECK_TREE" || status=1
echo "kernel log: $LOGS/kunit-um.log; kunit.py output: $LOGS/demo.log"
exit "$status"
