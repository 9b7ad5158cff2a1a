#!/usr/bin/env bash
# What a MAYFAIL decline costs and buys reclaim, measured on UML without
# lockdep.  Builds two kernels from patches/: "base", the base with the
# series up to its KUnit suite (no MAYFAIL), and "series", all of it; boots
# them in turn, RUNS times each, with test_mmu_notifier.bench=1; and prints
# each benchmark case's figures per kernel as median (min-max) over the
# boots (scripts/benchtable.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
runs=${RUNS:-5}
tree=$SPACE/bench
build=$BUILD/bench-um
out=$LOGS/bench
mkdir -p "$LOGS" "$out"

"$here/checktree.sh" >/dev/null
tip=$(git -C "$CHECK_TREE" rev-parse HEAD)
suite=$(git -C "$CHECK_TREE" log --diff-filter=A --format=%H -- lib/test_mmu_notifier.c)
[ -n "$suite" ] || die "the series in patches/ adds no lib/test_mmu_notifier.c: nothing to benchmark"
if [ ! -e "$tree/.git" ]; then
	rm -rf "$tree"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$tree" "$suite"
fi

# build NAME REV: the UML bench kernel of REV, kept as $out/NAME-linux.
build() {
	note "building the $1 kernel ($(git -C "$CHECK_TREE" log -1 --format='%h %s' "$2"))"
	git -C "$tree" checkout -q -f --detach "$2"
	(cd "$tree" && python3 tools/testing/kunit/kunit.py build --arch=um \
		--build_dir="$build" --jobs="$(nproc)" --make_options="CC=ccache gcc" \
		--kunitconfig="$CONFIGS/bench.config") >"$out/build-$1.log" 2>&1 ||
		die "the $1 kernel did not build (see $out/build-$1.log)"
	cp "$build/linux" "$out/$1-linux"
}
build base "$suite"
build series "$tip"

# Boot them in turn, so that a drift of the machine's speed hits both.
for i in $(seq "$runs"); do
	for k in base series; do
		note "boot $i of $runs: $k"
		timeout 600 "$out/$k-linux" mem=1G console=tty kunit_shutdown=halt \
			kunit.enable=1 'kunit.filter_glob=mmu_notifier_bench*' \
			test_mmu_notifier.bench=1 </dev/null >"$out/$k-$i.log" 2>&1 || true
		grep -q 'bench: ' "$out/$k-$i.log" ||
			die "boot $i of the $k kernel printed no figures (see $out/$k-$i.log)"
	done
done
"$here/benchtable.py" "$out" base series
