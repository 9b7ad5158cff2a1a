#!/usr/bin/env bash
# Size cost of the series in a production-like x86_64 configuration
# (configs/production.config: no lockdep, no sleep-in-atomic checks): build
# the objects the series touches at the base and at the tip of the check
# tree, and compare them with scripts/bloat-o-meter.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${KTREE:-$CHECK_TREE}
build=$BUILD/production
out=$SPACE/bloat
tip=$(git -C "$tree" rev-parse HEAD)
# The mm/ .c files the series changes and, since the notifier API is
# inline, the mm/ files that call it.  Driver objects are left out: some
# cannot be built by path (amdkfd's are built from amdgpu's Makefile), and
# the series adds a test and a return to each.
mapfile -t objs < <({
	git -C "$tree" diff --name-only --diff-filter=M "$BASE_TAG" "$tip" -- 'mm/*.c'
	git -C "$tree" grep -l 'mmu_notifier_invalidate_range_\(start\|end\)' -- 'mm/*.c'
} | sort -u | sed 's/\.c$/.o/')
[ ${#objs[@]} -gt 0 ] || { note "the series changes no existing .c file"; exit 0; }
trap 'git -C "$tree" checkout -q --detach "$tip"' EXIT

mkdir -p "$build"
make -C "$tree" -s O="$build" CC="ccache gcc" x86_64_defconfig >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	"$CONFIGS/production.config" >/dev/null
make -C "$tree" -s O="$build" CC="ccache gcc" olddefconfig >/dev/null
mapfile -t objs < <(for o in "${objs[@]}"; do
	configured "$tree" "$build" "$o" && echo "$o"
done)
for rev in base tip; do
	git -C "$tree" checkout -q --detach "$([ $rev = base ] && echo "$BASE_TAG" || echo "$tip")"
	make -C "$tree" -s O="$build" CC="ccache gcc" -j"$(nproc)" "${objs[@]}"
	for o in "${objs[@]}"; do
		mkdir -p "$out/$rev/$(dirname "$o")"
		cp "$build/$o" "$out/$rev/$o"
	done
done
for o in "${objs[@]}"; do
	echo "== $o"
	"$tree/scripts/bloat-o-meter" -c "$out/base/$o" "$out/tip/$o"
done
