#!/usr/bin/env bash
# Run upstream's hmm-tests (tools/testing/selftests/mm, which drives
# interval notifiers through lib/test_hmm.c) on the x86_64 lockdep kernel
# that kunit.sh built, under QEMU (TCG) with two CPUs, and judge the run
# against the base's recorded results, tests/hmm/$BASE.txt: every test that
# passes there must pass here, the run must end with lockdep still on, and
# the console must hold no lockdep report, BUG: or WARNING: (scanlog.py).
# Then the init's memcg cases (tests/hmm/init.c), the series' own: a
# process at its cgroup's memory.max, without a device and with test_hmm
# answering ->in_use() busy for all its memory, must finish without OOM,
# reclaim swapping, and the busy device asked and its bound used; and a
# THP that the device keeps from memory.reclaim must stay whole, with no
# swap slot, where reclaim takes it without the device.
# Writes $LOGS/${KLOG:-hmm-x86_64}.log (the console) and .txt (one verdict
# per test, as tests/hmm/$BASE.txt lists them); the bound of the boot is
# $HMM_TIMEOUT s.
# Usage: hmm.sh [TREE [KERNEL_BUILD]]   (default: the check worktree and
# kunit.sh's x86_64 build of it; to record the base, name a base tree and
# its build, made as kunit.sh makes it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$(kernel_tree "${1:-}")
kbuild=${2:-$BUILD/x86_64}
out=$kbuild/hmm-tests
log=$LOGS/${KLOG:-hmm-x86_64}.log
results=${log%.log}.txt
# The base's verdicts, recorded per base (they differ: 7.3's hmm-tests
# has more tests, and its device-coherent ones need another layout).
base=$ROOT/tests/hmm/$BASE.txt
[ -f "$base" ] || die "no hmm-tests verdicts of the $BASE base in tests/hmm/$BASE.txt: record them by booting a kernel of the base tree (hmm.sh TREE BUILD, see its usage)"
timeout=${HMM_TIMEOUT:-600}
kernel=$kbuild/arch/x86/boot/bzImage
src=$tree/tools/testing/selftests/mm/hmm-tests.c

[ -f "$kernel" ] || die "no $kernel: run 'scripts/kunit.sh x86_64 run' first"
require_config "$kbuild" x86_64-hmm.config
[ -f "$src" ] || die "no $src: is $tree a kernel tree?"
mkdir -p "$out/initramfs" "$LOGS"

# 1. hmm-tests and the init, static; hmm-tests on the tree's own UAPI
# headers, as the selftests' Makefile builds it: with the helpers its
# "$(TEST_GEN_FILES): ..." line names (7.3: vm_util.c hugepage_settings.c)
# and the selftests' directory for kselftest_harness.h.
note "building hmm-tests from $tree"
make -C "$tree" -s ARCH=x86_64 O="$out/obj" headers >"$out/build.log" 2>&1 ||
	die "'make headers' failed (see $out/build.log)"
# shellcheck disable=SC2016 # a literal $( of the Makefile
mapfile -t helpers < <(sed -n 's/^\$(TEST_GEN_FILES): *//p' "${src%/*}/Makefile" |
	tr ' ' '\n' | grep '\.c$' | sed "s#^#${src%/*}/#")
gcc -static -O2 -Wall -isystem "$out/obj/usr/include" \
	-isystem "$tree/tools/include/uapi" -I "$tree" \
	-I "$tree/tools/testing/selftests" \
	-o "$out/initramfs/hmm-tests" "$src" "${helpers[@]}" -lrt -lpthread -lm \
	>>"$out/build.log" 2>&1 || die "hmm-tests did not build (see $out/build.log)"
gcc -static -O2 -Wall -Werror -I "$tree" -o "$out/initramfs/init" "$ROOT/tests/hmm/init.c" \
	>>"$out/build.log" 2>&1 || die "the init did not build (see $out/build.log)"
(cd "$out/initramfs" && printf '%s\n' init hmm-tests |
	cpio -o -H newc -R 0:0 --quiet) >"$out/initramfs.cpio"

# 2. Boot it.  kunit.enable=0: the built-in KUnit suites ran in kunit.sh's
# boot already.  hugepages: for the hugetlbfs cases.  The base's verdicts
# name the rest of the command line on their "# boot:" lines: the memory
# of test_hmm's device-coherent devices, where the base's test_hmm can use
# it.  printk.devkmsg=on: the init copies the test's output into the
# kernel log, each line whole and in order with the kernel's messages.
read -ra layout < <(sed -n 's/^# boot: *//p' "$base" | paste -sd ' ')
cmdline=(console=ttyS0 kunit.enable=0 panic=-1 printk.time=1 printk.devkmsg=on
	hugepages=4 "${layout[@]}")
note "booting $kernel with hmm-tests (bound: $timeout s)"
boot_x86_64 "$kernel" "$out/initramfs.cpio" "$log" "$timeout" "${cmdline[@]}"

# 3. One verdict per test, from the TAP lines the init copied into the log.
console=$(console_text "$log")
sed -n 's/^hmm-tests: //p' <<<"$console" | awk '
	/^ok [0-9]+ [^ ]+ # SKIP/ { r = $0; sub(/^[^#]*# SKIP */, "", r)
		print "SKIP", $3, r; next }
	/^ok [0-9]+ [^ ]+$/ { print "PASS", $3; next }
	/^(not )?ok [0-9]+ / { print "FAIL", $0 ~ /^not/ ? $4 : $3 }' >"$results"

# The memcg cases (tests/hmm/init.c): both processes ended well with no
# OOM, and reclaim swapped; in "busy", test_hmm's range was answered busy
# and the bound of ->in_use() let reclaim take it anyway.
# Each case's lines are of "key value" pairs.
figure() {	# LINE KEY: the value of KEY in LINE, -1 if none
	local v
	v=$(sed -nE "s/^(.*, )?$2 ([0-9-]+)(, .*)?\$/\2/p" <<<"$1")
	echo "${v:--1}"
}
memcg() {
	local name=$1 all line
	# The last line of the case: the process's own error line comes first.
	all=$(sed -n "s/^hmm-init: memcg $name: //p" <<<"$console")
	line=$(tail -n 1 <<<"$all")
	case "$line" in
	skipped*) echo "SKIP memcg_$name ${line#skipped: }" ;;
	"exited with 0, oom 0, oom_kill 0, "*)
		if [ "$(figure "$line" pswpout)" -gt 0 ] && { [[ $name != busy* ]] ||
			{ [ "$(figure "$line" secondary_in_use)" -gt 0 ] &&
			  [ "$(figure "$line" secondary_in_use_expired)" -gt 0 ]; }; }; then
			echo "PASS memcg_$name"
		else
			echo "FAIL memcg_$name reclaim did not do what the case needs: $line"
		fi ;;
	*) echo "FAIL memcg_$name $(paste -sd '|' <<<"${all:-did not run}")" ;;
	esac
}
# The THP cases, a line per step: in "thp-control" reclaim swapped the
# THP out whole first, so it stood first in reclaim's way; in "thp-busy"
# the device was asked, the THP stayed mapped by its PMD, whole, out of
# the swap cache, nothing split, while reclaim met its target from the
# rest; then, reached again, it was swapped out whole without asking.
thp() {
	local name=$1 all first again
	all=$(sed -n "s/^hmm-init: thp $name: //p" <<<"$console")
	first=$(sed -n 's/^first: reclaimed all, //p' <<<"$all")
	again=$(sed -n 's/^again: reclaimed all, //p' <<<"$all")
	if [[ $all == skipped* ]]; then
		echo "SKIP memcg_$name ${all#skipped: }"
	elif [[ $name == thp-control* ]] && [ "$(figure "$first" whole)" = 0 ] &&
		[ "$(figure "$first" thp_swpout)" -ge 1 ]; then
		echo "PASS memcg_$name"
	elif [[ $name == thp-busy* ]] && [ "$(figure "$first" whole)" = 1 ] &&
		[ "$(figure "$first" swapcache)" = 0 ] &&
		[ "$(figure "$first" secondary_in_use)" -ge 1 ] &&
		[ "$(figure "$first" thp_split_pmd)" = 0 ] &&
		[ "$(figure "$first" thp_split_page)" = 0 ] &&
		[ "$(figure "$first" pswpout)" -ge 1 ] &&
		[ "$(figure "$again" whole)" = 0 ] &&
		[ "$(figure "$again" secondary_in_use)" = 0 ] &&
		[ "$(figure "$again" secondary_in_use_expired)" -ge 1 ] &&
		[ "$(figure "$again" thp_swpout)" -ge 1 ] &&
		[ "$(figure "$again" thp_split_page)" = 0 ]; then
		echo "PASS memcg_$name"
	else
		echo "FAIL memcg_$name reclaim did not do what the case needs: $(paste -sd '|' <<<"${all:-did not run}")"
	fi
}
for name in control busy control-mglru busy-mglru; do
	memcg "$name"
done >>"$results"
for name in thp-control thp-busy thp-control-mglru thp-busy-mglru; do
	thp "$name"
done >>"$results"

# 4. Judge: the run finished with lockdep on, every test that passes on
# the base passes, the memcg cases did not fail, and the log holds no
# report.
bad=0
init_finished "$console" hmm-init 'memcg done' "$log" || bad=1
if grep '^FAIL memcg_' "$results"; then
	bad=1
fi
verdict() { awk -v n="$2" '$2 == n { print $1 }' "$1"; }
while read -r _ name; do
	case "$(verdict "$results" "$name")" in
	PASS) ;;
	"") echo "missing: $name (passes on the base)"; bad=1 ;;
	*) echo "FAIL $name (passes on the base)"; bad=1 ;;
	esac
done < <(rows "$base" | awk '$1 == "PASS"')
while read -r v name _; do
	was=$(verdict <(rows "$base") "$name")
	[ "$v" = "$was" ] || echo "note: $name: ${was:-not in $BASE.txt} on the base, $v here"
done <"$results"
"$here/scanlog.py" "$log" || bad=1
totals() {
	awk '{ n[$1]++ } END { printf "%d passed, %d failed, %d skipped\n", n["PASS"], n["FAIL"], n["SKIP"] }'
}
echo "hmm-tests: $(totals <"$results"); base: $(rows "$base" | totals)"
[ "$bad" -eq 0 ] || die "hmm-tests did worse than on the base, or the console has a report (console: $log)"
