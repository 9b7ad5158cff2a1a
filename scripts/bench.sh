#!/usr/bin/env bash
# What a device that uses pages costs reclaim, measured on UML without
# lockdep: the series' benchmark suite (mmu_notifier_bench) on the tip of
# the series, built with the classic LRU ("lru": configs/bench.config)
# and with MGLRU ("mglru": also configs/bench-mglru.config).  Boots the
# two in turn, RUNS times each, with test_mmu_notifier.bench=1, and prints
# each case's figures per kernel as median (min-max) over the boots
# (scripts/benchtable.py; the consoles in work/logs/BASE/bench).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
runs=${RUNS:-5}
out=$LOGS/bench
mkdir -p "$out"

"$here/checktree.sh" >/dev/null
git -C "$CHECK_TREE" grep -q mmu_notifier_bench -- lib/test_mmu_notifier.c ||
	die "the series in $SERIES_NAME/ has no benchmark suite (mmu_notifier_bench): nothing to run"

# build NAME CONFIG...: the UML bench kernel with the CONFIG fragments,
# kept as $out/NAME-linux.
build() {
	local name=$1 k args=()
	shift
	for k; do
		args+=(--kunitconfig="$CONFIGS/$k")
	done
	note "building the $name kernel ($(git -C "$CHECK_TREE" log -1 --format='%h %s'))"
	(cd "$CHECK_TREE" && python3 tools/testing/kunit/kunit.py build --arch=um \
		--build_dir="$BUILD/bench-$name" --jobs="$(nproc)" \
		--make_options="CC=ccache gcc" "${args[@]}") >"$out/build-$name.log" 2>&1 ||
		die "the $name kernel did not build (see $out/build-$name.log)"
	cp "$BUILD/bench-$name/linux" "$out/$name-linux"
}
rm -f "$out"/*.log
build lru bench.config
build mglru bench.config bench-mglru.config

# Boot them in turn, so that a drift of the machine's speed hits both.
for i in $(seq "$runs"); do
	for k in lru mglru; do
		note "boot $i of $runs: $k"
		timeout 900 "$out/$k-linux" mem=1G console=tty kunit_shutdown=halt \
			kunit.enable=1 'kunit.filter_glob=mmu_notifier_bench*' \
			test_mmu_notifier.bench=1 </dev/null >"$out/$k-$i.log" 2>&1 || true
		grep -q 'bench: ' "$out/$k-$i.log" ||
			die "boot $i of the $k kernel printed no figures (see $out/$k-$i.log)"
		! grep -q 'not ok' "$out/$k-$i.log" ||
			note "boot $i of the $k kernel: a case failed (see $out/$k-$i.log; benchtable.py leaves it out)"
	done
done
"$here/benchtable.py" "$out" lru mglru
