#!/usr/bin/env bash
# Fault injection: boot the x86_64 lockdep kernel that kunit.sh built under
# QEMU (TCG) with kmemleak on, let failslab fail GFP_KERNEL allocations, and
# run the mmu_notifier_fault KUnit suite through debugfs: each of its cases
# fails the Nth allocation of mmu_notifier_register(),
# mmu_interval_notifier_insert() or mmu_notifier_get_locked(), N = 1, 2, ...
# until the call succeeds.
# Every case must pass (none skipped), kmemleak must find nothing the suite
# left behind, lockdep must still be on, and the console must hold no
# report (scanlog.py).  Writes $LOGS/fault-x86_64.log (the console); the
# bound of the boot is $FAULT_TIMEOUT s.
# Usage: fault.sh [KERNEL_BUILD]   (default: kunit.sh's x86_64 build)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

kbuild=${1:-$BUILD/x86_64}
out=$kbuild/fault
log=$LOGS/fault-x86_64.log
timeout=${FAULT_TIMEOUT:-300}
kernel=$kbuild/arch/x86/boot/bzImage

[ -f "$kernel" ] || die "no $kernel: run 'scripts/kunit.sh x86_64 run' first"
require_config "$kbuild" x86_64-debug.config x86_64-hmm.config
mkdir -p "$out/initramfs" "$LOGS"

# 1. The init, static, alone in the initramfs.
gcc -static -O2 -Wall -Werror -o "$out/initramfs/init" "$ROOT/tests/fault/init.c" \
	>"$out/build.log" 2>&1 || die "the init did not build (see $out/build.log)"
(cd "$out/initramfs" && echo init | cpio -o -H newc -R 0:0 --quiet) >"$out/initramfs.cpio"

# 2. Boot it.  kunit.autorun=0 sets the built-in suites up (their debugfs
# directories) without running them (lib/kunit/executor.c), and
# kunit.filter_glob keeps this suite alone: its cases would skip at boot,
# where failslab still ignores GFP_KERNEL.  The init sets failslab up and
# runs the suite through debugfs (6.12 has no kunit.autorun: there the
# suite runs at boot, skips, and its .suite_init forgets the skip).
# slab_debug=A: only kmalloc's caches may fail (the init sets failslab's
# cache-filter), not kmemleak's own.  kmemleak=on: the kernel has it off
# by default.  printk.devkmsg=on: the init copies the KTAP and kmemleak's
# report into the kernel log.
cmdline=(console=ttyS0 kmemleak=on 'slab_debug=A,kmalloc-*'
	kunit.autorun=0 kunit.filter_glob=mmu_notifier_fault
	panic=-1 printk.time=1 printk.devkmsg=on)
note "booting $kernel with the fault suite (bound: $timeout s)"
boot_x86_64 "$kernel" "$out/initramfs.cpio" "$log" "$timeout" "${cmdline[@]}"

# 3. Judge, on the lines the init copied.
[ -s "$log" ] || die "QEMU wrote no console log to $log: is qemu-system-x86_64 installed (make deps)?"
console=$(console_text "$log")
ktap=$(sed -n 's/^fault-ktap: //p' <<<"$console")
read -r passed failed skipped < <(awk '
	/^ +ok [0-9]+ / && !/# SKIP/ { p++ }
	/^ *not ok [0-9]+ / { f++ }
	/^ *ok [0-9]+ .*# SKIP/ { s++ }
	END { print p + 0, f + 0, s + 0 }' <<<"$ktap")
objects=$(sed -nE 's/^fault-init: kmemleak: [0-9]+ bytes, ([0-9]+) unreferenced objects$/\1/p' <<<"$console")
bad=0
init_finished "$console" fault-init "done" "$log" || bad=1
if grep '^fault-init: cannot' <<<"$console"; then
	bad=1
fi
if ! grep -qx 'ok 1 mmu_notifier_fault' <<<"$ktap"; then
	echo "the mmu_notifier_fault suite did not run, or failed (is it built in?)"
	bad=1
fi
if [ "$failed" -ne 0 ] || [ "$skipped" -ne 0 ] || [ "$passed" -eq 0 ]; then
	grep -E '^ *(not ok|ok [0-9]+ .*# SKIP)' <<<"$ktap" || true
	[ "$passed" -ne 0 ] || echo "no case passed"
	bad=1
fi
if [ -z "$objects" ]; then
	echo "kmemleak did not scan (is it on? see the fault-init lines of the log)"
	bad=1
elif [ "$objects" -ne 0 ]; then
	sed -n 's/^fault-kmemleak: //p' <<<"$console" | head -n 40
	bad=1
fi
"$here/scanlog.py" "$log" || bad=1
echo "mmu_notifier_fault: $passed results passed (cases and parameters), $failed failed, $skipped skipped; kmemleak: ${objects:-no scan}${objects:+ unreferenced objects}"
[ "$bad" -eq 0 ] || die "the fault injection check failed (console: $log)"
