#!/usr/bin/env bash
# Bisectability: after every patch of the series, rebuild the objects it
# touches (all the series' objects so far, if it changes a header, Kconfig
# or Makefile) with W=1 and sparse (C=1) for ARCH, and fail on a build error
# or on a warning that the same object does not have on the base.
# Needs the full KUnit build of ARCH (kunit.sh) for its .config and to know
# which objects the configuration builds.  Usage: bisect.sh um|x86_64
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: bisect.sh um|x86_64}
tree=${KTREE:-$CHECK_TREE}
full=$BUILD/$arch
build=$BUILD/w1-$arch
log=$LOGS/bisect-$arch
[ -f "$full/.config" ] || die "no $full/.config: run the $arch KUnit build first"
mkdir -p "$build" "$log"
tip=$(git -C "$tree" rev-parse HEAD)
mapfile -t commits < <(git -C "$tree" rev-list --reverse "$BASE_TAG..$tip")
trap 'git -C "$tree" checkout -q --detach "$tip"' EXIT

# Objects of the .c files that the range touches that this configuration
# builds: built at the tip (in the full build) and configured here.
objects() {
	local f
	git -C "$tree" diff --name-only --diff-filter=d "$@" -- '*.c' |
		while read -r f; do
			[ -f "$tree/$f" ] && [ -f "$full/${f%.c}.o" ] &&
				configured "$tree" "$build" "${f%.c}.o" && echo "${f%.c}.o"
		done
	return 0
}

# Build objects at the current checkout; print their normalized warnings.
build() {
	local name=$1
	shift
	[ $# -gt 0 ] || return 0
	make -C "$tree" -s ARCH="$arch" O="$build" CC="ccache gcc" \
		-j"$(nproc)" W=1 C=1 "$@" >"$log/$name.log" 2>&1 || {
		cat "$log/$name.log" >&2
		die "$arch build of $* failed at $name"
	}
	build_warnings "$log/$name.log" "$tree"
}

# Check REV out, with the full build's configuration made to fit it.
checkout() {
	git -C "$tree" checkout -q --detach "$1"
	cp "$full/.config" "$build/.config"
	make -C "$tree" -s ARCH="$arch" O="$build" CC="ccache gcc" olddefconfig >/dev/null
}

checkout "$BASE_TAG"
# shellcheck disable=SC2046 # one object per word
base_warnings=$(build base $(objects "$BASE_TAG" "$tip"))
new=0
for c in "${commits[@]}"; do
	checkout "$c"
	subject=$(git -C "$tree" log -1 --format='%h %s' "$c")
	objs=$(objects "$c^" "$c")
	git -C "$tree" diff --quiet "$c^" "$c" -- '*.h' '*Kconfig*' '*Makefile' ||
		objs="$objs $(objects "$BASE_TAG" "$c")"
	# shellcheck disable=SC2086
	objs=$(printf '%s\n' $objs | sort -u)
	# shellcheck disable=SC2086
	warnings=$(build "$(git -C "$tree" rev-parse --short "$c")" $objs)
	added=$(comm -13 <(echo "$base_warnings") <(echo "$warnings") | sed '/^$/d')
	if [ -n "$added" ]; then
		printf '%s: new warnings on %s:\n%s\n' "$subject" "$arch" "$added"
		new=$((new + 1))
	else
		printf '%s: %s builds, no new warnings (%s)\n' "$subject" "$arch" "${objs//$'\n'/ }"
	fi
done
[ "$new" -eq 0 ] || die "$new patches add warnings on $arch"
