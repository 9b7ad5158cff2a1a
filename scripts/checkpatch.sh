#!/usr/bin/env bash
# Run `checkpatch.pl --strict` on every patch of the series; exit non-zero if
# any patch has an error, warning or check not excused in
# patches/checkpatch.exceptions ("PATCH-GLOB TYPE  # reason" per line).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${KTREE:-$CHECK_TREE}
exceptions=$PATCHES/checkpatch.exceptions
bad=0
while read -r patch; do
	name=$(basename "$patch")
	ignore=()
	if [ -f "$exceptions" ]; then
		while read -r glob type _; do
			# shellcheck disable=SC2254 # the glob is meant to match
			case "$name" in $glob) ignore+=(--ignore "$type") ;; esac
		done < <(rows "$exceptions")
	fi
	out=$("$tree/scripts/checkpatch.pl" --strict --show-types --no-summary \
		"${ignore[@]}" "$patch" 2>&1) && continue
	printf '%s:\n%s\n' "$name" "$out"
	bad=$((bad + 1))
done < <(series_patches)
[ "$bad" -eq 0 ] || die "$bad patches are not checkpatch --strict clean"
