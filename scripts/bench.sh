#!/usr/bin/env bash
# What a device that uses pages costs reclaim, measured without lockdep,
# in three parts.
# 1. The series' benchmark suite (mmu_notifier_bench) on the tip of the
#    series, built with the classic LRU ("lru": configs/bench.config) and
#    with MGLRU ("mglru": also configs/bench-mglru.config), booted with
#    test_mmu_notifier.bench=1.
# 2. The base against the series: one suite (tests/bench/, reclaim with no
#    subscriber and under an idle one, which the base has too) added the
#    same way to a worktree of the base and of the series' tip in
#    work/BASE/bench/, each built with configs/reclaim-bench.config alone
#    and with bench-mglru.config too ("base-lru", "series-lru",
#    "base-mglru", "series-mglru").
# All those UML kernels boot in turn, RUNS times each, so that a drift of
# the machine's speed hits each alike; which of a pair boots first
# alternates.
# 3. Part 2's comparison counted in instructions: the same two worktrees
#    built for x86_64 (reclaim-bench.config and x86_64-lean.config,
#    "base-x86" and "series-x86"), each booted once in QEMU's TCG with
#    -cpu qemu64 -icount shift=0,sleep=off, where the guest's clock
#    advances 1 ns per instruction: a run's us= is thousands of
#    instructions executed, the same with the same QEMU and CPU model on
#    any machine, busy or not.
# Prints each case's figures per kernel as median (min-max), and the
# ratios (scripts/benchtable.py; the consoles in work/logs/BASE/bench).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
runs=${RUNS:-5}
out=$LOGS/bench
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a number of boots, 1 or more, not '$runs'"
"$here/deps.sh"
[ -d "$SPACE/bench" ] || need_space bench 5
mkdir -p "$out"

"$here/checktree.sh" >/dev/null
git -C "$CHECK_TREE" grep -q mmu_notifier_bench -- lib/test_mmu_notifier.c ||
	die "the series in $SERIES_NAME/ has no benchmark suite (mmu_notifier_bench): nothing to run"

# bench_tree NAME REV: the worktree work/BASE/bench/NAME of the base's
# tree at REV, with tests/bench/ added to its lib/ (uncommitted).  Made
# anew if it is not a worktree of that tree (the tree was made again).
# Reused otherwise, so that its build in work/BASE/build/bench-* stays
# incremental (the files added again each time get a new time stamp:
# kbuild rebuilds the suite and reruns syncconfig, little more).
bench_tree() {
	local t=$SPACE/bench/$1 common want
	want=$(git -C "$TREE" rev-parse --path-format=absolute --git-common-dir)
	common=$(git -C "$t" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	if [ "$common" != "$want" ]; then
		rm -rf "$t"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$t" "$2"
	fi
	git -C "$t" checkout -q -f --detach "$2"
	git -C "$t" clean -q -ffdx
	cp "$ROOT/tests/bench/test_reclaim_bench.c" "$t/lib/"
	cat "$ROOT/tests/bench/Kconfig" >>"$t/lib/Kconfig.debug"
	# shellcheck disable=SC2016 # a Makefile line, for make to expand
	echo 'obj-$(CONFIG_RECLAIM_BENCH_KUNIT_TEST) += test_reclaim_bench.o' >>"$t/lib/Makefile"
}

# build NAME TREE CONFIG...: the UML kernel of TREE with the CONFIG
# fragments, kept as $out/NAME-linux; for a NAME ending in -x86, the
# x86_64 kernel, kept as $out/NAME-bzImage.
build() {
	local name=$1 tree=$2 k args=(--arch=um) image=linux
	shift 2
	if [[ $name == *-x86 ]]; then
		args=(--arch=x86_64 --qemu_config="$CONFIGS/qemu_x86_64.py")
		image=arch/x86/boot/bzImage
	fi
	for k; do
		args+=(--kunitconfig="$CONFIGS/$k")
	done
	note "building the $name kernel ($(git -C "$tree" log -1 --format='%h %s'))"
	(cd "$tree" && python3 tools/testing/kunit/kunit.py build \
		--build_dir="$BUILD/bench-$name" --jobs="$(nproc)" \
		--make_options="CC=ccache gcc" "${args[@]}") >"$out/build-$name.log" 2>&1 ||
		die "the $name kernel did not build (see $out/build-$name.log)"
	cp "$BUILD/bench-$name/$image" "$out/$name-${image##*/}"
}

# boot NAME N GLOB [ARG...]: boot N of the NAME kernel, running the suites
# that match GLOB, its console in $out/NAME-N.log.  An x86_64 kernel boots
# once, with no initramfs, in QEMU counting instructions (boot_x86_64 with
# -icount; one CPU: a single TCG thread; the CPU model named, since the
# count depends on it).
boot() {
	local name=$1 i=$2 glob=$3 log=$out/$1-$2.log
	shift 3
	if [[ $name == *-x86 ]]; then
		note "boot: $name"
		QEMU_ARGS="-cpu qemu64 -m 1024 -smp 1 -icount shift=0,sleep=off" \
			boot_x86_64 "$out/$name-bzImage" "" "$log" 900 console=ttyS0 \
			panic=-1 kunit_shutdown=reboot kunit.enable=1 \
			"kunit.filter_glob=$glob" "$@"
	else
		note "boot $i of $runs: $name"
		timeout 900 "$out/$name-linux" mem=1G console=tty kunit_shutdown=halt \
			kunit.enable=1 "kunit.filter_glob=$glob" "$@" </dev/null >"$log" 2>&1 || true
	fi
	grep -q 'bench: ' "$log" ||
		die "boot $i of the $name kernel printed no figures (see $log)"
	! grep -q 'not ok' "$log" ||
		note "boot $i of the $name kernel: a case failed (see $log; benchtable.py leaves out a run that missed its target)"
}

rm -f "$out"/*.log
build lru "$CHECK_TREE" bench.config
build mglru "$CHECK_TREE" bench.config bench-mglru.config
bench_tree base "$BASE_TAG"
bench_tree series "$(git -C "$CHECK_TREE" rev-parse HEAD)"
for t in base series; do
	build "$t-lru" "$SPACE/bench/$t" reclaim-bench.config
	build "$t-mglru" "$SPACE/bench/$t" reclaim-bench.config bench-mglru.config
	build "$t-x86" "$SPACE/bench/$t" reclaim-bench.config x86_64-lean.config
done

for i in $(seq "$runs"); do
	# Which of a pair boots first alternates: the classic LRU's
	# mmu_notifier_bench kernel and the base on odd boots, so that
	# neither kernel of a pair is always the one that boots right after
	# mmu_notifier_bench's waiting cases (about 50 s of sleep); with an
	# odd RUNS, one boot uneven.
	if ((i % 2)); then
		lrus='lru mglru' order='base series'
	else
		lrus='mglru lru' order='series base'
	fi
	for k in $lrus; do
		boot "$k" "$i" 'mmu_notifier_bench*' test_mmu_notifier.bench=1
	done
	for l in lru mglru; do
		for t in $order; do
			boot "$t-$l" "$i" 'reclaim_bench*'
		done
	done
done
"$here/benchtable.py" "$out" lru mglru
for k in lru mglru; do
	echo
	"$here/benchtable.py" "$out" "base-$k" "series-$k"
done
# An instruction count is the same in every boot (three boots of the base,
# with and without KASLR, agreed within 0.01%): one boot of each.
for t in base series; do
	boot "$t-x86" 1 'reclaim_bench*'
done
echo
echo "x86_64 in $(qemu-system-x86_64 --version | head -n 1), -cpu qemu64 -icount shift=0:"
echo "a guest's ms is a million instructions"
"$here/benchtable.py" "$out" base-x86 series-x86
