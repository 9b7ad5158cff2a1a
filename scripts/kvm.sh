#!/usr/bin/env bash
# make kvm: KVM's own selftests, nested, on the series' lockdep kernel with
# KVM (kunit.sh x86_64-kvm, built, or rebuilt where the tree changed, first),
# so that KVM's notifier start and end callbacks (every VM is an hlist
# subscriber) run with patch 7's lockdep map around them.  QEMU's TCG
# emulates AMD SVM for a guest with -cpu max: the kernel runs KVM inside
# QEMU, and the selftests, built static from the tree, run inside that.
# Each test runs alone, within its bound; two run again under reclaim (a
# reclaimer process pages the guest's memory out to zram swap while the
# vCPUs run), so that reclaim's unmap reaches KVM's callbacks.  The init counts the
# notifier starts and agings that reached KVM (tracepoints) and lists the
# locks of KVM that lockdep saw taken under the map.  Verdict: every test that
# passes on the base (tests/kvm/$BASE.txt) passes (one under reclaim only
# if pages went to swap and KVM saw, beyond the same test's starts without
# reclaim, one start for every two pages swapped out), KVM saw notifier starts,
# lockdep saw kvm->mn_invalidate_lock under the map where the tree has
# patch 7, lockdep is still on at the end, and the console holds no report.
# Writes $LOGS/kvm-x86_64.log (the console) and .txt (a verdict per test,
# as tests/kvm/$BASE.txt lists them).
# Usage: kvm.sh [TREE [KERNEL_BUILD]]   (default: the check worktree, the
# series applied, which make demo and make check make, and its kunit.sh
# x86_64-kvm build; to record the base, name a base tree and its build,
# made as kunit.sh makes it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$(kernel_tree "${1:-}")
kbuild=$(realpath -m "${2:-$BUILD/x86_64-kvm}")
out=$kbuild/kvm-tests
log=$LOGS/${KLOG:-kvm-x86_64}.log
results=${log%.log}.txt
base=$ROOT/tests/kvm/$BASE.txt
kernel=$kbuild/arch/x86/boot/bzImage
sel=$tree/tools/testing/selftests/kvm
timeout=${KVM_TIMEOUT:-4800}
# BOUND NAME ARGS: small guests, two vCPUs, each bounded (together 4270 s
# at most with the init's 10 s of grace each, within the boot's bound).
# On an idle machine the seven take about 80 s in all; with the two cores
# busy, TCG runs the nested guests several times slower
# (access_tracking_perf_test went from seconds to over 300 s).  Not
# mmu_stress_test (mprotect and munmap of guest memory under running
# vCPUs): under TCG's SVM it failed its first stage on the series' kernel
# (a vCPU exit that was not its sync), and reset the L1 machine during its
# mprotect stage on the base's, with nothing on the console.
# BOUND pageout NAME ARGS: the test runs under reclaim: the init's
# reclaimer pages out the guest's memory to zram swap every 100 ms while
# it runs (its verdict is NAME+pageout).  dirty_log_test checks every page the guest wrote.
tests=(
	"600 set_memory_region_test"
	"600 demand_paging_test -b 64M -v 2"
	"600 memslot_modification_stress_test -b 64M -v 2 -i 20"
	"600 access_tracking_perf_test -b 16M -v 2"
	"600 dirty_log_test -i 4"
	"600 pageout demand_paging_test -b 64M -v 2"
	"600 pageout dirty_log_test -i 4"
)

[ -d "$sel" ] || die "no $sel: is $tree a kernel tree?"
# The kernel of TREE, built now (make rebuilds what changed, and the
# suite runs in it), unless a build was named.
if [ -z "${2:-}" ]; then
	note "building the x86_64 lockdep kernel with KVM from $tree (kunit.sh x86_64-kvm)"
	KTREE=$tree KLOG=kunit-x86_64-kvm "$here/kunit.sh" x86_64-kvm run 'mmu_notifier' \
		>"$LOGS/kunit-x86_64-kvm.out" 2>&1 ||
		die "the kernel did not build or its KUnit run failed (see $LOGS/kunit-x86_64-kvm.out)"
fi
[ -f "$kernel" ] || die "no $kernel: build it as kunit.sh x86_64-kvm does"
[ "$(readlink -f "$kbuild/source")" = "$tree" ] ||
	die "$kbuild holds a kernel of $(readlink -f "$kbuild/source"), not of $tree"
require_config "$kbuild" lockdep.config x86_64-kvm.config
rm -rf "$out/initramfs"
mkdir -p "$out/initramfs" "$LOGS"

# 1. The selftests, static, on the tree's own UAPI headers, and the init.
note "building KVM's selftests from $tree"
make -C "$tree" -s ARCH=x86_64 O="$out/obj" headers >"$out/build.log" 2>&1 ||
	die "'make headers' failed (see $out/build.log)"
names=() labels=() lines=()
for t in "${tests[@]}"; do
	read -r bound name args <<<"$t"
	if [ "$name" = pageout ]; then
		read -r name args <<<"$args"
		labels+=("$name+pageout")
		lines+=("$bound pageout /$name $args")
	else
		labels+=("$name")
		lines+=("$bound /$name $args")
	fi
	[[ " ${names[*]} " = *" $name "* ]] || names+=("$name")
done
make -C "$sel" -j"$(nproc)" KHDR_INCLUDES="-isystem $out/obj/usr/include" \
	EXTRA_CFLAGS=-static LDFLAGS=-static OUTPUT="$out/sel" \
	"${names[@]/#/$out/sel/}" >>"$out/build.log" 2>&1 ||
	die "KVM's selftests did not build (see $out/build.log; they link libuuid: make deps)"
gcc -static -O2 -Wall -Werror -o "$out/initramfs/init" "$ROOT/tests/kvm/init.c" \
	>>"$out/build.log" 2>&1 || die "the init did not build (see $out/build.log)"
cp "${names[@]/#/$out/sel/}" "$out/initramfs/"
printf '%s\n' "${lines[@]}" >"$out/initramfs/tests"
(cd "$out/initramfs" && printf '%s\n' init tests "${names[@]}" |
	cpio -o -H newc -R 0:0 --quiet) >"$out/initramfs.cpio"

# 2. Boot it, with SVM for the guest and room for the selftests' VMs.
note "booting $kernel with KVM's selftests under -cpu max (bound: $timeout s)"
QEMU_ARGS="-cpu max -m 4096" boot_x86_64 "$kernel" "$out/initramfs.cpio" "$log" \
	"$timeout" console=ttyS0 kunit.enable=0 panic=-1 printk.time=1 printk.devkmsg=on

# 3. A verdict per test; then judge against the base's.
console=$(console_text "$log")
grep -q 'kvm_amd: Nested Virtualization enabled' <<<"$console" ||
	note "the kernel did not say 'kvm_amd: Nested Virtualization enabled'"
unmaps=0
for name in "${labels[@]}"; do
	end=$(sed -n -e "s/^kvm-init: $name \(exited .*\|timed out .*\|killed .*\|is stuck .*\)$/\1/p" \
		-e "s/^kvm-init: \(could not run\) $name: .*/\1/p" <<<"$console" | head -n 1)
	calls=$(sed -n "s/^kvm-init: $name: kvm_unmap_hva_range \([0-9]*\).*/\1/p" <<<"$console" | head -n 1)
	unmaps=$((unmaps + ${calls:-0}))
	# Under reclaim, the test passes only if reclaim paged its memory out
	# and KVM saw, beyond the starts of the same test without reclaim, at
	# least one for every two pages that went to swap (reclaim unmaps a
	# folio at a time: about one each).
	swapped=$(sed -n "s/^kvm-init: $name: pageout .* pswpout \([0-9-]*\)$/\1/p" <<<"$console" | head -n 1)
	plain=$(sed -n "s/^kvm-init: ${name%+pageout}: kvm_unmap_hva_range \([0-9]*\).*/\1/p" <<<"$console" | head -n 1)
	case "$end" in
	"exited with 0")
		if [[ $name = *+pageout ]] && { [ "${swapped:-0}" -le 0 ] ||
			[ $((2 * (${calls:-0} - ${plain:-0}))) -lt "$swapped" ]; }; then
			echo "FAIL $name passed, but reclaim paged out ${swapped:-no} pages and KVM saw ${calls:-no} notifier starts (${plain:-no} without reclaim)"
		else
			echo "PASS $name"
		fi ;;
	"exited with 4") echo "SKIP $name" ;;
	"") echo "FAIL $name did not run" ;;
	could*) echo "FAIL $name could not run" ;;
	*) echo "FAIL $name $end" ;;
	esac
done >"$results"
echo "KVM's notifier starts and agings per test (lower bounds where the trace buffer overran):"
sed -n 's/^kvm-init: \([a-z_+]*\): kvm_unmap_hva_range \(.*\)/    \1: starts (kvm_unmap_hva_range) \2/p' <<<"$console"
echo "Reclaim under the tests marked +pageout (MADV_PAGEOUT passes and MiB asked; pages swapped in and out):"
sed -n -e 's/^kvm-init: \([a-z_+]*\): reclaimer \(.*\)/    \1: \2/p' \
	-e 's/^kvm-init: \([a-z_+]*\): pageout \(.*\)/    \1: \2/p' <<<"$console"
# Patch 7's point: KVM's locks taken in its callbacks, under the map.
deps=$(sed -n 's/^kvm-init: map -> //p' <<<"$console")
echo "KVM's locks lockdep saw taken under the notifier's map: ${deps:-none}" | paste -sd ' '
bad=0
init_finished "$console" kvm-init "done" "$log" || bad=1
if grep '^kvm-init: cannot' <<<"$console"; then
	bad=1
fi
if grep -q mn_callback_enter "$tree/mm/mmu_notifier.c" &&
	! grep -q 'mn_invalidate_lock' <<<"$deps"; then
	echo "the tree holds the map around hlist callbacks (patch 7), but lockdep saw no kvm->mn_invalidate_lock under it"
	bad=1
fi
[ "$unmaps" -gt 0 ] || { echo "no notifier start reached KVM (kvm:kvm_unmap_hva_range)"; bad=1; }
"$here/scanlog.py" "$log" || bad=1
cat "$results"
[ -f "$base" ] || die "no verdicts of the $BASE base in tests/kvm/$BASE.txt: record them (kvm.sh BASE-TREE BUILD, see its usage; this run's are in $results)"
while read -r _ name; do
	v=$(awk -v n="$name" '$2 == n { print $1 }' "$results")
	[ "$v" = PASS ] || { echo "$name: ${v:-missing} here, passes on the base"; bad=1; }
done < <(rows "$base" | awk '$1 == "PASS"')
[ "$bad" -eq 0 ] || die "KVM's selftests did worse than on the base, or the console has a report (console: $log)"
echo "kvm: every test that passes on the base passed; $unmaps notifier starts reached KVM; lockdep on; no report"
