#!/usr/bin/env bash
# Build Documentation/mm with Sphinx for the base and for the check tree and
# fail on any warning the base does not have.  The base's warnings are kept
# per base commit, so the base is built once per machine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${KTREE:-$CHECK_TREE}
command -v sphinx-build >/dev/null || die "sphinx-build is missing: run 'make deps'"
mkdir -p "$LOGS"

# Build the HTML of Documentation/mm from TREE into OUT; print the warnings,
# without line numbers and tree paths, one per line.
sphinx() {
	local tree=$1 out=$2 log=$2.log
	# From scratch: an incremental Sphinx build repeats no warning of the
	# documents it does not reread.
	rm -rf "$out"
	make -C "$tree" -s O="$out" SPHINXDIRS=mm htmldocs >"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		die "the Sphinx build of Documentation/mm failed in $tree (log: $log)"
	}
	grep -Ei 'warning|error' "$log" |
		sed -E "s#$tree/##g; s#:[0-9]+:#:#g" | sort -u || true
}

base=$(git -C "$TREE" rev-parse "$BASE_TAG^{commit}")
base_warnings=$LOGS/docs-base-$base.txt
if [ ! -f "$base_warnings" ]; then
	if [ "$(git -C "$tree" rev-parse HEAD)" = "$base" ]; then
		sphinx "$tree" "$BUILD/docs" >"$base_warnings.tmp"
	else
		rm -rf "$SPACE/docs-base"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$SPACE/docs-base" "$base"
		sphinx "$SPACE/docs-base" "$BUILD/docs-base" >"$base_warnings.tmp"
		git -C "$TREE" worktree remove --force "$SPACE/docs-base"
	fi
	mv "$base_warnings.tmp" "$base_warnings"
fi
if [ "$(git -C "$tree" rev-parse HEAD)" = "$base" ]; then
	cp "$base_warnings" "$LOGS/docs-series.txt"
else
	sphinx "$tree" "$BUILD/docs" >"$LOGS/docs-series.txt"
fi
added=$(comm -13 "$base_warnings" "$LOGS/docs-series.txt")
[ -z "$added" ] || die "the series adds Sphinx warnings to Documentation/mm:
$added"
note "Documentation/mm: $(wc -l <"$LOGS/docs-series.txt") warnings, none new (HTML: $BUILD/docs/Documentation/output/mm/index.html)"
