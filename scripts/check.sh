#!/usr/bin/env bash
# The test command.  On the default base: apply patches/ to the pristine
# base in the check worktree, then run every check on it.  Then, on each
# frozen backport (backports/BASE/), a reduced battery named NAME@BASE:
# it applies, its UML KUnit suite passes, its UML report cases pass.  One
# line per check, then "N passed, N failed, N skipped".  Exits non-zero if
# a check failed.  BASE is not read: it runs on every base, or on the
# bases given as arguments (check.sh 6.12: that backport's battery only).
# Usage: check.sh [BASE...]
set -euo pipefail
unset BASE
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
if [ $# -eq 0 ]; then
	mapfile -t run_bases < <(bases)
else
	run_bases=("$@")
fi

note "check: every check on base $DEFAULT_BASE ($SERIES_NAME/), then apply, kunit-um and reports-um on each backport; bases: ${run_bases[*]}"
"$here/deps.sh"
# Builds, logs and a docs tree of the base need about 3 GiB; each base
# whose trees are not made yet (.deb, git tree, check worktree) about 5 more.
gib=3
for b in "${run_bases[@]}"; do
	[ -d "$WORK/$b/check" ] || gib=$((gib + 5))
done
need_space check "$gib"
passed=0 failed=0 skipped=0

# run_check NAME COMMAND...: run it with its output in $LOGS/check-NAME.log
# (NAME without its @BASE).
run_check() {
	local name=$1 start=$SECONDS
	shift
	mkdir -p "$LOGS"
	note "check $name: $*"
	if "$@" >"$LOGS/check-${name%@*}.log" 2>&1; then
		printf 'PASS %-22s %4ds\n' "$name" $((SECONDS - start))
		passed=$((passed + 1))
	else
		printf 'FAIL %-22s %4ds  (log: %s)\n' "$name" $((SECONDS - start)) "$LOGS/check-${name%@*}.log"
		tail -n 15 "$LOGS/check-${name%@*}.log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# The KUnit run of ARCH (further arguments: kunit.py's), and its kernel
# log free of reports no test asked for.
kunit_check() {
	"$here/kunit.sh" "$1" run "${@:2}" && "$here/scanlog.py" "$LOGS/kunit-$1.log"
}

# i915's mock selftest of the userptr notifier ran in the x86_64 KUnit boot
# (kunit.sh asks for it) and did not fail.
i915_check() {
	local log=$LOGS/kunit-x86_64.log
	grep 'i915: Running i915_gem_userptr_mock_selftests/igt_userptr_mayfail' "$log" &&
		! grep -E 'i915/.*(failed with error|setup failed)' "$log"
}

skip_check() {
	printf 'SKIP %-22s %s\n' "$1" "$2"
	skipped=$((skipped + 1))
}

# run_if FILE NAME COMMAND...: run_check NAME COMMAND... if the series has
# added FILE to the tree, else skip it.
run_if() {
	local file=$1
	shift
	if [ -e "$CHECK_TREE/$file" ]; then
		run_check "$@"
	else
		skip_check "$1" "the series has no $file yet"
	fi
}

# run_if_suite SUITE NAME COMMAND...: run_check NAME COMMAND... if the
# series' KUnit file has the suite SUITE, else skip it.
run_if_suite() {
	local suite=$1
	shift
	if grep -qs "\"$suite\"" "$CHECK_TREE/lib/test_mmu_notifier.c"; then
		run_check "$@"
	else
		skip_check "$1" "the series has no $suite suite yet"
	fi
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# The pristine base (fetched and unpacked once), and the series applied
# to it in the check worktree.
apply_check() {
	"$here/base.sh" && "$here/checktree.sh"
}

# The checks that boot the kernel kunit-ARCH built, again.
boots() {
	run_if "$SUITE_KUNITCONFIG" "reports-$1" "$here/reports.sh" "$1"
	[ "$1" = x86_64 ] || return 0
	run_if "$I915_SELFTEST" i915-mock i915_check
	if [ -f "$ROOT/tests/hmm/$BASE.txt" ]; then
		run_check hmm-x86_64 "$here/hmm.sh"
	else
		skip_check hmm-x86_64 "no hmm-tests verdicts of the $BASE base (tests/hmm/$BASE.txt) to compare with"
	fi
	run_if_suite mmu_notifier_stress stress-x86_64 "$here/stress.sh"
	run_if_suite mmu_notifier_fault fault-x86_64 "$here/fault.sh"
}

# Every check, on the default base.
full_battery() {
	local npatches arch before
	run_check apply apply_check
	[ "$failed" -eq 0 ] || return 0
	npatches=$(git -C "$CHECK_TREE" rev-list --count "$BASE_TAG..HEAD")

	run_check tooling shellcheck "$here"/*.sh "$here"/tcg/* "$ROOT/.ci/run"
	run_check igt-tooling "$here/igtcheck.sh"
	if [ "$npatches" -gt 0 ]; then
		run_check audit "$here/audit.sh"
		run_check mail "$here/mailcheck.sh"
		run_check checkpatch "$here/checkpatch.sh"
		run_check kernel-doc "$here/kerneldoc.sh"
	else
		# audit-expected pins the verdicts of the series' tree.
		skip_check audit "the series is empty"
		skip_check mail "the series is empty"
		skip_check checkpatch "the series is empty"
		skip_check kernel-doc "the series is empty"
	fi
	for arch in um x86_64; do
		before=$failed
		run_check "kunit-$arch" kunit_check "$arch"
		if [ "$failed" -eq "$before" ]; then
			boots "$arch"
		else
			# They would boot the kernel of an earlier run.
			skip_check "boots-$arch" "kunit-$arch failed: no kernel of this series to boot"
		fi
		if [ "$npatches" -gt 0 ]; then
			run_check "bisect-$arch" "$here/bisect.sh" "$arch"
		else
			skip_check "bisect-$arch" "the series is empty"
		fi
	done
	# The series' suites on PREEMPT_RT, where a spinlock_t sleeps, with a
	# short stress run (it skips where the series has no stress suite).
	run_if "$SUITE_KUNITCONFIG" kunit-x86_64-rt kunit_check x86_64-rt \
		'mmu_notifier*' --kernel_args=test_mmu_notifier.stress_seconds=10
	run_check audit-build "$here/auditbuild.sh"
	run_check docs "$here/docs.sh"
}

# The reduced battery of a frozen backport, on its own base: it applies,
# and its UML suite and report cases pass.
backport_battery() {
	local before=$failed
	run_check "apply@$BASE" apply_check
	[ "$failed" -eq "$before" ] || return 0
	run_if "$SUITE_KUNITCONFIG" "kunit-um@$BASE" kunit_check um
	if [ "$failed" -eq "$before" ]; then
		run_if "$SUITE_KUNITCONFIG" "reports-um@$BASE" "$here/reports.sh" um
	else
		skip_check "reports-um@$BASE" "kunit-um@$BASE failed: no kernel of this series to boot"
	fi
}

for b in "${run_bases[@]}"; do
	use_base "$b"
	if [ "$b" = "$DEFAULT_BASE" ]; then
		full_battery
	else
		backport_battery
	fi
done
summary
