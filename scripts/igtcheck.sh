#!/usr/bin/env bash
# Check `make igt` without a GPU: igtverdict.py gives each recorded subtest
# in tests/igt/ the verdict kept beside it (tests/igt/NAME/expected), and
# igt.sh, in front of each missing precondition, prints "SKIP igt: ..."
# naming it and exits 0: on this machine if it has no Intel GPU on i915 or
# xe, then on a fake sysfs and kernel configuration, one precondition at a
# time, for each driver.
# Ends with "N passed, N failed"; exits 1 if a check failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
samples=$ROOT/tests/igt
passed=0 failed=0

ok() {
	printf 'ok   %s\n' "$1"
	passed=$((passed + 1))
}

bad() {
	printf 'FAIL %s\n' "$1"
	shift
	printf '     %s\n' "$@"
	failed=$((failed + 1))
}

# 1. Each sample's verdict, then all of them at once for the summary line.
dirs=() counts=(0 0 0)
for dir in "$samples"/*/; do
	dir=${dir%/}
	name=${dir##*/}
	[ -f "$dir/expected" ] || { bad "$name: no $dir/expected"; continue; }
	dirs+=("$dir")
	expected=$(head -n 1 "$dir/expected")
	case "$expected" in PASS*) counts[0]=$((counts[0] + 1)) ;; FAIL*) counts[1]=$((counts[1] + 1)) ;; SKIP*) counts[2]=$((counts[2] + 1)) ;; esac
	out=$("$here/igtverdict.py" "$dir") || true
	got=${out%%$'\n'*}
	if [ "$got" = "$expected" ]; then
		ok "$name: $got"
	else
		bad "$name: the verdict is not the one in $dir/expected" "got:      $got" "expected: $expected"
	fi
done
[ ${#dirs[@]} -gt 0 ] || bad "no samples in $samples"
summary="${counts[0]} passed, ${counts[1]} failed, ${counts[2]} skipped"
out=$("$here/igtverdict.py" "${dirs[@]}") && status=0 || status=$?
want_status=$((counts[1] > 0 ? 1 : 0))
if [ "${out##*$'\n'}" = "$summary" ] && [ "$status" = "$want_status" ]; then
	ok "all samples at once: $summary, exit status $status"
else
	bad "all samples at once" "got:      ${out##*$'\n'} (exit status $status)" "expected: $summary (exit status $want_status)"
fi

# expect_skip WHAT REGEX [ENV...]: igt.sh, with the environment ENV, exits 0
# and prints a "SKIP igt:" line that matches REGEX.
expect_skip() {
	local what=$1 regex=$2 out status
	shift 2
	out=$(env "$@" "$here/igt.sh" 2>&1) && status=0 || status=$?
	local line
	line=$(grep -m 1 '^SKIP igt:' <<<"$out" || true)
	if [ "$status" = 0 ] && [[ $line =~ $regex ]]; then
		ok "igt.sh, $what: $line"
	else
		bad "igt.sh, $what: expected exit status 0 and a SKIP igt: line matching /$regex/" \
			"got exit status $status and:" "${out//$'\n'/$'\n'     }"
	fi
}

# 2. This machine, unless it is one that make igt would really test.
on_intel=''
for driver in /sys/class/drm/card*/device/driver; do
	case "$(readlink "$driver" 2>/dev/null || true)" in */i915 | */xe) on_intel=1 ;; esac
done
if [ -n "$on_intel" ]; then
	note "this machine has a GPU on i915 or xe: make igt would run for real, so it is not run here"
else
	expect_skip "on this machine" 'no Intel GPU bound to i915 or xe'
fi

# 3. One precondition at a time, on a fake sysfs and configuration.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fake=$tmp/sys
mkdir -p "$fake/class/drm/card0/device" "$fake/class/drm/card0-eDP-1" "$fake/module"
echo 0x8086 >"$fake/class/drm/card0/device/vendor"
echo 0x9a49 >"$fake/class/drm/card0/device/device"
ln -s ../../../bus/pci/drivers/vfio-pci "$fake/class/drm/card0/device/driver"
config() {
	printf '%s\n' CONFIG_MMU_NOTIFIER=y CONFIG_DRM_I915_USERPTR=y \
		CONFIG_DEBUG_ATOMIC_SLEEP=y CONFIG_PROVE_LOCKING=y CONFIG_KUNIT=y "$@"
}
config '# CONFIG_MMU_NOTIFIER_KUNIT_TEST is not set' | grep -v PROVE_LOCKING >"$tmp/no-lockdep.config"
config >"$tmp/no-series.config"
config CONFIG_MMU_NOTIFIER_KUNIT_TEST=y >"$tmp/suite.config"
config '# CONFIG_MMU_NOTIFIER_KUNIT_TEST is not set' >"$tmp/series.config"
env=(IGT_SYSFS="$fake" WORK="$tmp/work")

expect_skip "Intel GPU on vfio-pci" 'no Intel GPU bound to i915 or xe .*card0 \(vendor 0x8086, driver vfio-pci\)' "${env[@]}"
# On xe: xe's options, then the same road as i915's to the IGT checkout.
ln -sfn ../../../bus/pci/drivers/xe "$fake/class/drm/card0/device/driver"
expect_skip "xe kernel without xe" 'lacks CONFIG_DRM_XE CONFIG_DRM_GPUSVM .*' "${env[@]}" IGT_KCONFIG="$tmp/series.config"
config CONFIG_MMU_NOTIFIER_KUNIT_TEST=y CONFIG_DRM_XE=m CONFIG_DRM_GPUSVM=m >"$tmp/xe.config"
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$fake/module/test_mmu_notifier/parameters"
	: >"$fake/module/test_mmu_notifier/parameters/provoke"
	expect_skip "xe, no IGT checkout at IGT_DIR" 'IGT_DIR=.* is not an igt-gpu-tools checkout .*xe_exec_basic\.c' \
		"${env[@]}" IGT_KCONFIG="$tmp/xe.config" IGT_DIR="$tmp/nothing"
	rm -r "$fake/module/test_mmu_notifier"
fi
ln -sfn ../../../bus/pci/drivers/i915 "$fake/class/drm/card0/device/driver"
expect_skip "kernel without lockdep" 'lacks CONFIG_PROVE_LOCKING \(' "${env[@]}" IGT_KCONFIG="$tmp/no-lockdep.config"
expect_skip "kernel without the series" 'no sign of the series' "${env[@]}" IGT_KCONFIG="$tmp/no-series.config"
expect_skip "configuration of another kernel" 'is not the running kernel|but the running kernel has no' "${env[@]}" IGT_KCONFIG="$tmp/suite.config"
if [ "$(id -u)" = 0 ]; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	if "${nobody[@]}" test -r "$ROOT/patches/base"; then
		expect_skip "not root" '^SKIP igt: not root' "${nobody[@]}" \
			env "${env[@]}" IGT_KCONFIG="$tmp/series.config"
	else
		note "user 65534 cannot read $ROOT (a private parent directory?): the not-root case is not checked"
	fi
	mkdir -p "$fake/module/test_mmu_notifier/parameters"
	: >"$fake/module/test_mmu_notifier/parameters/provoke"
	expect_skip "no IGT checkout at IGT_DIR" 'IGT_DIR=.* is not an igt-gpu-tools checkout' \
		"${env[@]}" IGT_KCONFIG="$tmp/suite.config" IGT_DIR="$tmp/nothing"
	expect_skip "IGT cannot be cloned" 'no IGT checkout: cloning .* failed' \
		"${env[@]}" IGT_KCONFIG="$tmp/suite.config" IGT_REPO="$tmp/no-such-repo.git"
	[ ! -e "$tmp/work/igt" ] || bad "a failed clone left $tmp/work/igt behind"
else
	note "not root: the root, IGT_DIR and clone preconditions are not checked"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
