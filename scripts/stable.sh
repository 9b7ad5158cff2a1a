#!/usr/bin/env bash
# Patch 1 is tagged Cc: stable: check patch 1 of BASE's series on the other
# LTS that Debian 12 ships, 6.1.  Fetch Debian's linux-source-6.1 (pinned in
# stable/6.1/base) and unpack it once into $STABLE_TREE (tagged $BASE_TAG,
# as base.sh does for the bases), then, on fresh
# branches: apply patch 1 alone with `git am`; build mm/mmu_notifier.o for
# x86_64 with W=1 without and with it and fail on a new warning; run the
# KUnit case of stable/6.1/ on UML without patch 1 (it must fail: the bug)
# and with it (it must pass: the fix).  One line per step; exits non-zero
# if a step fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base
"$(dirname "$0")/deps.sh"
mkdir -p "$WORK"

STABLE=$ROOT/stable/6.1		# the pin, the KUnit case and the configuration fragments
STABLE_TREE=$WORK/6.1/linux
STABLE_BUILD=$WORK/6.1/build
JOBS=${JOBS:-2}
tree=$STABLE_TREE
log=$WORK/logs/6.1
mkdir -p "$log"
failed=0

# result PASS|FAIL STEP START DETAIL: the step's line.
result() {
	printf '%s %-8s %4ds  %s\n' "$1" "$2" $((SECONDS - $3)) "$4"
	[ "$1" = PASS ] || failed=$((failed + 1))
}

# branch NAME START PATCH...: make branch NAME anew from START in the
# stable tree and `git am` PATCHes onto it (extra am options first);
# the base tag is never moved.  Fails, with the tree back on START, if a
# patch does not apply.
branch() {
	local name=$1 start=$2 opts=()
	shift 2
	while [ "${1:-}" != "${1#-}" ]; do
		opts+=("$1")
		shift
	done
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f --detach "$start"
	git -C "$tree" clean -q -ffdx
	git -C "$tree" branch -q -D "$name" 2>/dev/null || true
	git -C "$tree" checkout -q -b "$name"
	git -C "$tree" am -q --committer-date-is-author-date "${opts[@]}" "$@" \
		>"$log/am-$name.log" 2>&1 && return 0
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f --detach "$start"
	git -C "$tree" branch -q -D "$name"
	return 1
}

# 1. The 6.1 base.
start=$SECONDS
base_tree "$STABLE/base" "$tree" check-stable
result PASS base "$start" "$(git -C "$tree" tag -l --format='%(contents:subject)' "$BASE_TAG") in ${tree#"$ROOT/"}"

# 2. Patch 1 alone, on a fresh branch: plain `git am`, else `git am -3`.
start=$SECONDS
patch1=$(series_patches | sed -n 1p)	# sed reads it all: no SIGPIPE under pipefail
[ -n "$patch1" ] || die "$SERIES_NAME/series lists no patch: take patch 1 of a backport, e.g. 'make check-stable BASE=6.12'"
git -C "$tree" am --abort >/dev/null 2>&1 || true
require_clean "$tree"
git -C "$tree" checkout -q --detach "$BASE_TAG"
# git apply -v names each hunk that applies at an offset.
offsets=$({ git -C "$tree" apply --check -v "$patch1" 2>&1 || true; } |
	sed -n 's/^Hunk #\([0-9]*\) succeeded at \([0-9]*\) (offset \(-*[0-9]*\) lines\{0,1\})\./hunk \1 at line \2 (offset \3)/p' |
	paste -sd, - | sed 's/,/, /g')
if branch patch1 "$BASE_TAG" "$patch1"; then
	how="applies with git am, ${offsets:-no offsets}"
else
	mv "$log/am-patch1.log" "$log/am-patch1-plain.log"
	if branch patch1 "$BASE_TAG" -3 "$patch1"; then
		how="does not apply with git am (log: $log/am-patch1-plain.log), applies with git am -3"
	else
		grep -E '^(error|Patch failed)' "$log/am-patch1-plain.log" | sed 's/^/    /' >&2
		die "${patch1##*/} does not apply to Debian's 6.1 with git am, nor with -3 (which needs
the $BASE blobs the patch names; the 6.1 tree does not have them). Backport it by hand:
in $tree, 'git checkout -b backport $BASE_TAG', 'git apply --reject $patch1',
port the hunks left in mm/mmu_notifier.c.rej, then commit with the patch's message."
	fi
fi
result PASS apply "$start" "${patch1##*/}: $how"

# 3. mm/mmu_notifier.o, x86_64, W=1, without and with patch 1.
start=$SECONDS
obj=mm/mmu_notifier.o
build=$STABLE_BUILD/x86_64
mkdir -p "$build"
kmake() {
	make -C "$tree" -s O="$build" CC="ccache gcc" -j"$JOBS" "$@"
}
git -C "$tree" checkout -q -f --detach "$BASE_TAG"
kmake x86_64_defconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$STABLE/x86_64-mmu-notifier.config" >/dev/null
kmake olddefconfig >/dev/null
grep -qx 'CONFIG_MMU_NOTIFIER=y' "$build/.config" ||
	die "x86_64_defconfig plus stable/6.1/x86_64-mmu-notifier.config does not enable CONFIG_MMU_NOTIFIER: see $build/.config"

# w1 REV: build $obj at REV with W=1; print its warnings in mm/mmu_notifier.c
# without line numbers.  ccache replays a cached object's warnings.
w1() {
	git -C "$tree" checkout -q -f --detach "$1"
	rm -f "$build/$obj"
	kmake W=1 "$obj" >"$log/w1-$1.log" 2>&1 || return 1
	grep -E "(^|/)${obj%.o}\\.c:[0-9]+:[0-9]+: (warning|error):" "$log/w1-$1.log" |
		sed -E "s#^[^:]*${obj%.o}\\.c:[0-9]+:[0-9]+:#${obj%.o}.c:#" | sort -u || true
}
if ! before=$(w1 "$BASE_TAG"); then
	result FAIL build "$start" "$obj does not build on the 6.1 base (log: $log/w1-$BASE_TAG.log)"
elif ! after=$(w1 patch1); then
	result FAIL build "$start" "$obj does not build with patch 1 (log: $log/w1-patch1.log)"
else
	added=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
	n=$(echo "$before" | sed '/^$/d' | wc -l)
	if [ -n "$added" ]; then
		result FAIL build "$start" "$obj with W=1: patch 1 adds warnings (log: $log/w1-patch1.log):"
		printf '    %s\n' "${added//$'\n'/$'\n'    }"
	else
		result PASS build "$start" "$obj with W=1 (x86_64_defconfig + KVM): $n warnings without patch 1, none new with it"
	fi
fi

# 4. The KUnit case on UML: it must fail without patch 1 and pass with it.
start=$SECONDS
case_patches=("$STABLE"/[0-9]*.patch)
[ -f "${case_patches[0]}" ] || die "no KUnit case in stable/6.1/: restore it with git"
suite=mmu_notifier_unwind
kcase=$suite.mmu_notifier_test_nonblock_mixed_unwind
# kunit REV: run the suite at REV; its output in $log/kunit-REV.out.
kunit() {
	local status=0
	git -C "$tree" checkout -q -f --detach "$1"
	(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=um \
		--build_dir="$STABLE_BUILD/um" --kunitconfig="$STABLE/kunitconfig" \
		--make_options="CC=ccache gcc" --jobs="$JOBS" --timeout=300 \
		"$suite*") >"$log/kunit-$1.out" 2>&1 || status=$?
	cp "$STABLE_BUILD/um/test.log" "$log/kunit-$1.log" 2>/dev/null || true
	return $status
}
# Lines of kunit.py's output that say what the case did.
verdict() {
	grep -E "(\\[(PASSED|FAILED|SKIPPED|CRASHED)\\]|(EXPECTATION|ASSERTION) FAILED|still blocked|Expected|Testing complete)" \
		"$log/kunit-$1.out" | sed 's/^\[[0-9:]*\] //'
}
branch case-without "$BASE_TAG" "${case_patches[@]}" ||
	die "the KUnit case in stable/6.1/ does not apply to the 6.1 base (log: $log/am-case-without.log)"
branch case-with patch1 "${case_patches[@]}" ||
	die "the KUnit case in stable/6.1/ does not apply on top of patch 1 (log: $log/am-case-with.log)"
problems=()
declare -A took
t=$SECONDS
if kunit case-without; then
	problems+=("it passed without patch 1: it does not show the bug")
elif ! grep -qF "[FAILED] ${kcase#*.}" "$log/kunit-case-without.out" ||
	! grep -qF 'still blocked after' "$log/kunit-case-without.out"; then
	problems+=("without patch 1 it did not fail the way the bug makes it fail (see $log/kunit-case-without.out)")
fi
took[case-without]=$((SECONDS - t))
t=$SECONDS
if ! kunit case-with || ! grep -qF "[PASSED] ${kcase#*.}" "$log/kunit-case-with.out"; then
	problems+=("it failed with patch 1 (see $log/kunit-case-with.out)")
fi
took[case-with]=$((SECONDS - t))
if [ ${#problems[@]} -eq 0 ]; then
	result PASS runtime "$start" "$kcase fails without patch 1 (mmu_interval_read_begin() stays blocked), passes with it"
else
	msg=$(printf '%s; ' "${problems[@]}")
	result FAIL runtime "$start" "$kcase: ${msg%; }"
fi
for rev in case-without case-with; do
	echo "    $rev (${took[$rev]}s, kernel log $log/kunit-$rev.log):"
	verdict "$rev" | sed 's/^/      /'
done
git -C "$tree" checkout -q -f --detach patch1

[ "$failed" -eq 0 ] || die "$failed steps failed: logs in $log"
