#!/usr/bin/env bash
# kernel-doc on every .c and .h file the series touches: fail on a warning
# (-Wall) that the same file does not have on the base.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${KTREE:-$CHECK_TREE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# kernel-doc's warnings for FILE as read from PATH, without the path and
# line number: "PATH:LINE: warning: ..." (6.12's kernel-doc) or
# "Warning: PATH:LINE ..." (7.3's).
warnings() {
	"$tree/scripts/kernel-doc" -none -Wall "$2" 2>&1 |
		sed -E "s#^(Warning: )?[^ :]*:[0-9]+:? ##; s#^#$1: #" | sort -u
}

bad=0
while read -r f; do
	[ -f "$tree/$f" ] || continue
	if git -C "$tree" cat-file -e "$BASE_TAG:$f" 2>/dev/null; then
		git -C "$tree" show "$BASE_TAG:$f" >"$tmp/base.${f##*.}"
		warnings "$f" "$tmp/base.${f##*.}" >"$tmp/before"
	else
		: >"$tmp/before"
	fi
	warnings "$f" "$tree/$f" >"$tmp/after"
	added=$(comm -13 "$tmp/before" "$tmp/after")
	[ -z "$added" ] || { echo "$added"; bad=$((bad + 1)); }
done < <(git -C "$tree" diff --name-only "$BASE_TAG" HEAD -- '*.c' '*.h')
[ "$bad" -eq 0 ] || die "the series adds kernel-doc warnings to $bad files"
