#!/usr/bin/env bash
# The hardware test, on a machine with an Intel GPU: build the IGT tests
# of its driver's userptr (i915: gem_userptr_blits; xe: xe_exec_basic,
# xe_exec_compute_mode and xe_exec_fault_mode), run their subtests that
# invalidate userptr mappings under memory pressure, each beside stress-ng
# and within a time bound, and judge each by IGT's result and its own
# slice of the kernel log (igtverdict.py).  A missing precondition (an
# Intel GPU on i915 or xe, the series' kernel with lockdep, root, an IGT
# checkout) is not a failure: it prints "SKIP igt: ..." and what to do,
# and exits 0.
#
# Settings, from the environment or the make command line:
#   IGT_DIR       an igt-gpu-tools checkout (default: a clone in work/igt)
#   IGT_REPO      where to clone it from; IGT_REF, a branch or tag to clone
#   IGT_SUBTESTS  which subtests, as globs (default: the driver's below)
#   IGT_TIMEOUT   the bound of each subtest, in seconds
#   IGT_VM_BYTES  stress-ng's --vm-bytes
#   IGT_KCONFIG   the running kernel's .config, if neither /proc/config.gz
#                 nor /boot/config-$(uname -r) is there
#   IGT_SYSFS     where sysfs is (scripts/igtcheck.sh fakes one)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

IGT_REPO=${IGT_REPO:-https://gitlab.freedesktop.org/drm/igt-gpu-tools.git}
IGT_REF=${IGT_REF:-}
IGT_TIMEOUT=${IGT_TIMEOUT:-300}
IGT_VM_BYTES=${IGT_VM_BYTES:-90%}
sysfs=${IGT_SYSFS:-/sys}
# The kernel options every run needs (the driver's are added below).
KERNEL_OPTIONS=(PROVE_LOCKING DEBUG_ATOMIC_SLEEP MMU_NOTIFIER)
# IGT's build dependencies (its meson.build and Dockerfile.build-debian*)
# and stress-ng, from Debian 12.
IGT_PKGS=(gcc meson ninja-build pkg-config flex bison python3 git
	libdrm-dev libpciaccess-dev libkmod-dev libproc2-dev libdw-dev
	zlib1g-dev liblzma-dev libcairo2-dev libpixman-1-dev libudev-dev
	libglib2.0-dev libunwind-dev stress-ng)
[[ $IGT_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "IGT_TIMEOUT must be a number of seconds, not '$IGT_TIMEOUT'"

# skip WHAT-IS-MISSING WHAT-TO-DO...: say so and stop, as a skip.
skip() {
	printf 'SKIP igt: %s\n' "$1"
	shift
	printf '    %s\n' "$@"
	exit 0
}

# 1. An Intel GPU (PCI vendor 0x8086) that i915 or xe drives.
gpu='' seen=()
for card in "$sysfs"/class/drm/card*; do
	[[ ${card##*/} =~ ^card[0-9]+$ ]] || continue
	vendor=$(cat "$card/device/vendor" 2>/dev/null || echo unknown)
	driver=$(readlink "$card/device/driver" 2>/dev/null || echo none)
	driver=${driver##*/}
	seen+=("${card##*/} (vendor $vendor, driver $driver)")
	if [ "$vendor" = 0x8086 ] && { [ "$driver" = i915 ] || [ "$driver" = xe ]; }; then
		gpu="${card##*/} on $driver, PCI device $(cat "$card/device/device" 2>/dev/null || echo unknown)"
		break
	fi
done
[ -n "$gpu" ] || skip "no Intel GPU bound to i915 or xe (DRM devices in $sysfs/class/drm: ${seen[*]:-none})" \
	"make igt tests the userptr notifiers of i915 and xe and needs an Intel GPU (vendor 0x8086)" \
	"that one of them drives. Run it on such a machine."
# What to run on that driver: the tests, their subtests that invalidate
# userptr mappings, the kernel options they need, the fragment that sets
# them.
case $driver in
i915)
	TESTS=(gem_userptr_blits)
	default_subtests='map-fixed-invalidate* *-mempressure-* stress-mm* swapping-* process-exit*'
	KERNEL_OPTIONS+=(DRM_I915_USERPTR)
	;;
xe)
	# xe's userptr (xe_userptr.o) is built with DRM_GPUSVM, which xe
	# selects; xe_exec_fault_mode skips on a GPU without page faults.
	TESTS=(xe_exec_basic xe_exec_compute_mode xe_exec_fault_mode)
	default_subtests='*userptr*invalidate*'
	KERNEL_OPTIONS+=(DRM_XE DRM_GPUSVM)
	;;
esac
IGT_SUBTESTS=${IGT_SUBTESTS:-$default_subtests}
fragment=configs/igt-$driver.config

# 2. The series' kernel with lockdep, from its configuration.
if [ -n "${IGT_KCONFIG:-}" ]; then
	kconfig=$IGT_KCONFIG
elif [ -r /proc/config.gz ]; then
	kconfig=/proc/config.gz
else
	kconfig=/boot/config-$(uname -r)
fi
[ -r "$kconfig" ] || skip "cannot read the running kernel's configuration ($kconfig)" \
	"Boot a kernel built with CONFIG_IKCONFIG_PROC=y ($fragment sets it)," \
	"or install its .config as /boot/config-$(uname -r), or name it: make igt IGT_KCONFIG=/path/.config"
config=$(zcat -f -- "$kconfig")
missing=()
for option in "${KERNEL_OPTIONS[@]}"; do
	grep -qE "^CONFIG_$option=[ym]\$" <<<"$config" || missing+=("CONFIG_$option")
done
[ ${#missing[@]} -eq 0 ] || skip "the running kernel ($(uname -r)) lacks ${missing[*]} (configuration: $kconfig)" \
	"Build the series' kernel with $fragment merged into its .config and boot it" \
	"(README.md, \"Testing on Intel GPU hardware\")."
# The series' marker: lib/test_mmu_notifier.c's parameters exist in sysfs
# when its KUnit suite is built in, and only the series has the Kconfig
# option of that suite, which a .config names ("=y" or "is not set")
# whenever KUNIT=y.  Nothing else the series adds is a symbol of its own
# in a kernel without the suite: its API is inline.
suite_sysfs=$sysfs/module/test_mmu_notifier/parameters/provoke
if [ -e "$suite_sysfs" ]; then
	marker="its KUnit suite is built in ($suite_sysfs)"
elif grep -qx 'CONFIG_MMU_NOTIFIER_KUNIT_TEST=y' <<<"$config"; then
	skip "$kconfig says CONFIG_MMU_NOTIFIER_KUNIT_TEST=y, but the running kernel has no $suite_sysfs" \
		"$kconfig is not the running kernel's configuration: boot the kernel it belongs to," \
		"or name the right one with IGT_KCONFIG=/path/.config."
elif grep -qx '# CONFIG_MMU_NOTIFIER_KUNIT_TEST is not set' <<<"$config"; then
	marker="its configuration has the series' option CONFIG_MMU_NOTIFIER_KUNIT_TEST"
else
	skip "no sign of the series in the running kernel: no CONFIG_MMU_NOTIFIER_KUNIT_TEST in $kconfig, no $suite_sysfs" \
		"Build and boot a kernel with the series applied (make apply KERNEL_TREE=...) and" \
		"$fragment merged; its CONFIG_KUNIT=y makes the series' option visible."
fi

# 3. Root: dmesg --clear, DRM master, drop_caches.
[ "$(id -u)" = 0 ] || skip "not root" \
	"Run it as root: sudo make igt (settings such as IGT_DIR go on the make command line)."

# 4. An IGT checkout, IGT_DIR's or a clone of our own.
igt_source() {
	[ -f "$1/meson.build" ] && [ -n "$(find "$1/tests" -maxdepth 2 -name "${TESTS[0]}.c" 2>/dev/null)" ]
}
if [ -n "${IGT_DIR:-}" ]; then
	src=$IGT_DIR
	igt_source "$src" || skip "IGT_DIR=$src is not an igt-gpu-tools checkout (no meson.build and tests/*/${TESTS[0]}.c)" \
		"Point IGT_DIR at a checkout of $IGT_REPO."
else
	src=$WORK/igt
	if [ ! -e "$src" ]; then
		note "cloning $IGT_REPO into $src"
		mkdir -p "$WORK"
		rm -rf "$src.tmp"
		ref=()
		[ -z "$IGT_REF" ] || ref=(--branch "$IGT_REF")
		if ! git clone -q --depth 1 "${ref[@]}" "$IGT_REPO" "$src.tmp" >"$WORK/igt-clone.log" 2>&1; then
			rm -rf "$src.tmp"
			skip "no IGT checkout: cloning $IGT_REPO failed ($(tail -n 1 "$WORK/igt-clone.log"))" \
				"Clone it where the network allows and name the checkout:" \
				"git clone $IGT_REPO /path/to/igt && sudo make igt IGT_DIR=/path/to/igt"
		fi
		mv "$src.tmp" "$src"
	fi
	igt_source "$src" || skip "$src is not an igt-gpu-tools checkout" \
		"Remove it to clone again, or name a checkout: sudo make igt IGT_DIR=/path/to/igt"
fi

# Lockdep reports once, then turns itself off: it must still be on.
debug_locks() {
	awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats
}
[ -r /proc/lockdep_stats ] || skip "the running kernel has no lockdep (no /proc/lockdep_stats), whatever $kconfig says" \
	"Boot the kernel that $kconfig belongs to, or name the right one with IGT_KCONFIG=/path/.config."
[ "$(debug_locks)" = 1 ] || skip "lockdep is off in the running kernel (debug_locks: $(debug_locks) in /proc/lockdep_stats)" \
	"An earlier report turned it off (dmesg shows which), and it would miss what this run looks for:" \
	"reboot, then run make igt first."

# Everything else is here: install what building and running need.
mkdir -p "$WORK" "$LOGS"
mapfile -t missing < <(missing_pkgs "${IGT_PKGS[@]}")
if [ ${#missing[@]} -gt 0 ] && ! (apt_install "${missing[@]}"); then
	skip "IGT's build dependencies are missing and could not be installed: ${missing[*]}" \
		"Install them: apt-get install ${missing[*]}"
fi

# Build the tests alone, out of the checkout.
build=$WORK/igt-build
if [ "$(cat "$build/.source" 2>/dev/null)" != "$(realpath "$src")" ]; then
	rm -rf "$build"
	options=()
	for option in runner overlay chamelium man docs testplan sphinx valgrind; do
		grep -qs "option('$option'" "$src/meson_options.txt" "$src/meson.options" &&
			options+=("-D$option=disabled")
	done
	note "configuring IGT (log: $LOGS/igt-build.log)"
	meson setup "$build" "$src" "${options[@]}" >"$LOGS/igt-build.log" 2>&1 || {
		tail -n 20 "$LOGS/igt-build.log" >&2
		die "meson could not configure IGT in $src (log: $LOGS/igt-build.log)"
	}
	realpath "$src" >"$build/.source"
fi
note "building ${TESTS[*]} (log: $LOGS/igt-build.log)"
ninja -C "$build" "${TESTS[@]/#/tests/}" >>"$LOGS/igt-build.log" 2>&1 || {
	tail -n 20 "$LOGS/igt-build.log" >&2
	die "IGT's ${TESTS[*]} did not build (log: $LOGS/igt-build.log)"
}

# The subtests to run, test by test in IGT's order, as TEST@SUBTEST.
read -ra globs <<<"$IGT_SUBTESTS"
subtests=()
declare -A matched=()
for prog in "${TESTS[@]}"; do
	list=$("$build/tests/$prog" --list-subtests) || die "$build/tests/$prog --list-subtests failed"
	mapfile -t all <<<"$list"
	for name in "${all[@]}"; do
		selected=
		for glob in "${globs[@]}"; do
			# shellcheck disable=SC2254 # the glob is meant to match
			case "$name" in $glob) selected=1 matched[$glob]=1 ;; esac
		done
		[ -z "$selected" ] || subtests+=("$prog@$name")
	done
done
for glob in "${globs[@]}"; do
	[ -n "${matched[$glob]:-}" ] || note "no subtest of this IGT's ${TESTS[*]} matches '$glob'"
done
[ ${#subtests[@]} -gt 0 ] || die "no subtest of ${TESTS[*]} matches IGT_SUBTESTS='$IGT_SUBTESTS'"
[ "$driver" != i915 ] || [ "$(wc -l </proc/swaps)" -gt 1 ] ||
	note "no swap is on: the swapping subtests may skip or hit the OOM killer (swapon a swap file to run them)"

run=$LOGS/igt
rm -rf "$run"
mkdir -p "$run"
dmesg >"$run/dmesg-before"
note "GPU: $gpu; kernel $(uname -r): the series, because $marker"
note "IGT $(git -C "$src" describe --always --tags 2>/dev/null || echo "(not a git checkout)") from $src"
note "${#subtests[@]} subtests, each beside stress-ng --vm 2 --vm-bytes $IGT_VM_BYTES, each bounded to $IGT_TIMEOUT s"
note "the kernel log is cleared before each subtest; the log from before the run is $run/dmesg-before"

stress=
stop_stress() {
	[ -n "$stress" ] || return 0
	kill -TERM "$stress" 2>/dev/null || true
	wait "$stress" 2>/dev/null || true
	stress=
}
trap stop_stress EXIT

dirs=() hung='' lockdep_off=''
for subtest in "${subtests[@]}"; do
	prog=${subtest%%@*} name=${subtest#*@}
	dir=$run/$subtest
	dirs+=("$dir")
	mkdir -p "$dir"
	echo "$prog" >"$dir/test"
	note "[${#dirs[@]}/${#subtests[@]}] $subtest"
	dmesg --clear
	stress-ng --vm 2 --vm-bytes "$IGT_VM_BYTES" --timeout "$((IGT_TIMEOUT + 70))s" \
		>"$dir/stress-ng.log" 2>&1 &
	stress=$!
	sleep 5 # let stress-ng take the memory first
	start=$SECONDS
	timeout -k 30 "$IGT_TIMEOUT" "$build/tests/$prog" --run-subtest "$name" >"$dir/igt.out" 2>&1 &
	igt=$!
	# A task stuck in the kernel cannot be killed: do not wait for it forever.
	while kill -0 "$igt" 2>/dev/null && [ $((SECONDS - start)) -lt $((IGT_TIMEOUT + 60)) ]; do
		sleep 1
	done
	if kill -0 "$igt" 2>/dev/null; then
		echo "hung $((SECONDS - start))" >"$dir/exit"
		hung=$subtest
	else
		status=0
		wait "$igt" || status=$?
		if [ "$status" = 124 ] || { [ "$status" = 137 ] && [ $((SECONDS - start)) -ge "$IGT_TIMEOUT" ]; }; then
			echo "timeout $IGT_TIMEOUT"
		else
			echo "exit $status"
		fi >"$dir/exit"
	fi
	stop_stress
	dmesg >"$dir/dmesg"
	[ -z "$hung" ] || break
	if [ -z "$lockdep_off" ] && [ "$(debug_locks)" != 1 ]; then
		lockdep_off=$subtest
		note "lockdep turned itself off during $subtest: the subtests after it run without lockdep"
	fi
done

echo
status=0
"$here/igtverdict.py" "${dirs[@]}" >"$run/verdicts" || status=$?
cat "$run/verdicts"
echo
echo "IGT's output and the kernel log of each subtest: $run/TEST@SUBTEST/{igt.out,dmesg}"
echo "The reports in a subtest's log, with context: scripts/scanlog.py $run/TEST@SUBTEST/dmesg"
[ -z "$hung" ] || echo "$hung did not end and could not be killed, so the run stopped there: reboot before anything else."
[ -z "$lockdep_off" ] || echo "Lockdep was off after $lockdep_off: after a reboot, run the later subtests again (IGT_SUBTESTS=...)."
exit "$status"
