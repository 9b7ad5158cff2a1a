#!/usr/bin/env bash
# Audit every mmu notifier callback of a kernel tree for sleeping where the
# range is not blockable (the OOM reaper's invalidations), and compare the
# verdicts with the series' audit-expected.  Reads the tree, changes nothing.
# Prints the table (see scripts/audit.py); fails on a verdict that differs
# from the pinned one, in either direction, and on a callback that is not
# pinned.  Rows pinned for files the tree does not have are skipped.
# Usage: audit.sh [TREE]   (default: the check tree)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base

tree=$(kernel_tree "${1:-}")
expected=$AUDIT_EXPECTED
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v spatch >/dev/null || die "spatch is missing: run 'make deps' (Debian's coccinelle)"
cd "$tree"

# The files that name a notifier ops struct, and the local headers each
# includes ("UNIT<TAB>FILE", the unit itself first).
grep -rlE --include='*.c' 'mmu_(interval_)?notifier_ops' . | sed 's#^\./##' | sort |
	while read -r c; do
		printf '%s\t%s\n' "$c" "$c"
		sed -n 's/^#include "\(.*\)".*/\1/p' "$c" | while read -r h; do
			[ ! -f "${c%/*}/$h" ] || printf '%s\t%s\n' "$c" "$(realpath -m --relative-to=. "${c%/*}/$h")"
		done
	done >"$tmp/units"
[ -s "$tmp/units" ] || die "no mmu notifier ops in $tree: is it a kernel tree?"

cut -f2 "$tmp/units" | sort -u >"$tmp/files"
# shellcheck disable=SC2046 # one file per word
nice spatch --very-quiet --no-includes --jobs "$(nproc)" \
	--macro-file "$ROOT/scripts/audit/macros.h" \
	--sp-file "$ROOT/scripts/audit/notifier.cocci" $(cat "$tmp/files") \
	>"$tmp/facts" 2>"$tmp/spatch.err" || {
	cat "$tmp/spatch.err" >&2
	die "spatch failed"
}
"$ROOT/scripts/audit.py" "$tmp/units" <"$tmp/facts" | tee "$tmp/table"

# callback<TAB>file<TAB>verdict, as audit-expected pins them.
awk -v OFS='\t' 'NR > 1 { sub(/:[0-9]+$/, "", $3); print $2, $3, $4 }' "$tmp/table" | sort -u >"$tmp/got"
rows "$expected" | while IFS=$'\t' read -r _ file _; do
	[ ! -f "$file" ] || printf '%s\n' "$file"
done | sort -u >"$tmp/present"
rows "$expected" | awk -F'\t' 'NR == FNR { have[$0]; next } $2 in have' "$tmp/present" - |
	sort -u >"$tmp/want"
printf '%s callbacks: %s\n' "$(wc -l <"$tmp/got")" \
	"$(cut -f3 "$tmp/got" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')"
if ! diff -u --label expected --label audit "$tmp/want" "$tmp/got" >"$tmp/diff"; then
	cat "$tmp/diff"
	die "the verdicts differ from $expected: fix the callback (-: pinned, +: now), or, after reading the code, the pinned line"
fi
