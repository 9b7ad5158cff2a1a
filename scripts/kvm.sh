#!/usr/bin/env bash
# make kvm: KVM's own selftests, nested, on the series' lockdep kernel with
# KVM (kunit.sh x86_64-kvm; built first if missing), so that KVM's notifier
# callbacks (every VM is an hlist subscriber) run with patch 7's lockdep
# map around them.  QEMU's TCG emulates AMD SVM for a guest with -cpu max:
# the kernel runs KVM inside QEMU, and the selftests, built static from the
# tree, run inside that.  Each test runs alone, within its bound, and the
# init counts the invalidations and agings that reached KVM (tracepoints).
# Verdict: every test that passes on the base (tests/kvm/$BASE.txt) passes,
# KVM saw invalidations, lockdep is still on at the end, and the console
# holds no report.  Writes $LOGS/kvm-x86_64.log (the console) and .txt (a
# verdict per test, as tests/kvm/$BASE.txt lists them).
# Usage: kvm.sh [TREE [KERNEL_BUILD]]   (default: the workspace tree
# work/BASE/linux and its kunit.sh x86_64-kvm build; to record the base,
# name a base tree and its build, made as kunit.sh makes it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$(kernel_tree "${1:-$TREE}")
kbuild=${2:-$BUILD/x86_64-kvm}
out=$kbuild/kvm-tests
log=$LOGS/${KLOG:-kvm-x86_64}.log
results=${log%.log}.txt
base=$ROOT/tests/kvm/$BASE.txt
kernel=$kbuild/arch/x86/boot/bzImage
sel=$tree/tools/testing/selftests/kvm
timeout=${KVM_TIMEOUT:-1800}
# BOUND NAME ARGS: small guests, two vCPUs, each bounded.  Not
# mmu_stress_test (mprotect and munmap of guest memory under running
# vCPUs): under TCG's SVM it failed its first stage on the series' kernel
# (a vCPU exit that was not its sync), and reset the L1 machine during its
# mprotect stage on the base's, with nothing on the console.
tests=(
	"300 set_memory_region_test"
	"600 demand_paging_test -b 64M -v 2"
	"600 memslot_modification_stress_test -b 64M -v 2 -i 20"
	"600 access_tracking_perf_test -b 64M -v 2"
	"600 dirty_log_test -i 4"
)

[ -d "$sel" ] || die "no $sel: is $tree a kernel tree?"
if [ ! -f "$kernel" ] && [ -z "${2:-}" ]; then
	note "building the x86_64 lockdep kernel with KVM (kunit.sh x86_64-kvm)"
	KTREE=$tree KLOG=kunit-x86_64-kvm "$here/kunit.sh" x86_64-kvm run 'mmu_notifier' \
		>"$LOGS/kunit-x86_64-kvm.out" 2>&1 ||
		die "the kernel did not build or its KUnit run failed (see $LOGS/kunit-x86_64-kvm.out)"
fi
[ -f "$kernel" ] || die "no $kernel: build it as kunit.sh x86_64-kvm does"
require_config "$kbuild" lockdep.config x86_64-kvm.config
rm -rf "$out/initramfs"
mkdir -p "$out/initramfs" "$LOGS"

# 1. The selftests, static, on the tree's own UAPI headers, and the init.
note "building KVM's selftests from $tree"
make -C "$tree" -s ARCH=x86_64 O="$out/obj" headers >"$out/build.log" 2>&1 ||
	die "'make headers' failed (see $out/build.log)"
names=()
for t in "${tests[@]}"; do
	read -r _ name _ <<<"$t"
	names+=("$name")
done
make -C "$sel" -j"$(nproc)" KHDR_INCLUDES="-isystem $out/obj/usr/include" \
	EXTRA_CFLAGS=-static LDFLAGS=-static OUTPUT="$out/sel" \
	"${names[@]/#/$out/sel/}" >>"$out/build.log" 2>&1 ||
	die "KVM's selftests did not build (see $out/build.log; they link libuuid: make deps)"
gcc -static -O2 -Wall -Werror -o "$out/initramfs/init" "$ROOT/tests/kvm/init.c" \
	>>"$out/build.log" 2>&1 || die "the init did not build (see $out/build.log)"
for t in "${tests[@]}"; do
	read -r bound name args <<<"$t"
	cp "$out/sel/$name" "$out/initramfs/"
	echo "$bound /$name $args"
done >"$out/initramfs/tests"
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
for name in "${names[@]}"; do
	end=$(sed -n -e "s/^kvm-init: $name \(exited .*\|timed out .*\|killed .*\)$/\1/p" \
		-e "s/^kvm-init: \(could not run\) $name: .*/\1/p" <<<"$console")
	calls=$(sed -n "s/^kvm-init: $name: kvm_unmap_hva_range \([0-9]*\).*/\1/p" <<<"$console")
	unmaps=$((unmaps + ${calls:-0}))
	case "$end" in
	"exited with 0") echo "PASS $name" ;;
	"exited with 4") echo "SKIP $name" ;;
	"") echo "FAIL $name did not run" ;;
	could*) echo "FAIL $name could not run" ;;
	*) echo "FAIL $name $end" ;;
	esac
done >"$results"
sed -n 's/^kvm-init: \([a-z_]*\): kvm_unmap_hva_range/    \1: kvm_unmap_hva_range/p' <<<"$console"
bad=0
init_finished "$console" kvm-init "done" "$log" || bad=1
[ "$unmaps" -gt 0 ] || { echo "no invalidation reached KVM (kvm:kvm_unmap_hva_range)"; bad=1; }
"$here/scanlog.py" "$log" || bad=1
cat "$results"
[ -f "$base" ] || die "no verdicts of the $BASE base in tests/kvm/$BASE.txt: record them (kvm.sh BASE-TREE BUILD, see its usage; this run's are in $results)"
while read -r _ name; do
	v=$(awk -v n="$name" '$2 == n { print $1 }' "$results")
	[ "$v" = PASS ] || { echo "$name: ${v:-missing} here, passes on the base"; bad=1; }
done < <(rows "$base" | awk '$1 == "PASS"')
[ "$bad" -eq 0 ] || die "KVM's selftests did worse than on the base, or the console has a report (console: $log)"
echo "kvm: every test that passes on the base passed; $unmaps invalidations reached KVM; lockdep on; no report"
