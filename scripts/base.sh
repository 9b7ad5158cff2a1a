#!/usr/bin/env bash
# Make the pristine base: install Debian's pinned linux-source package and
# unpack it, once, into the workspace as a git repository tagged $BASE_TAG.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$WORK"

installed_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true
}

# 1. The base package, pinned.
if [ "$(installed_version)" != "$BASE_VERSION" ]; then
	[ "$(id -u)" = 0 ] || die "$BASE_PKG $BASE_VERSION is not installed.
Install it as root: apt-get install $BASE_PKG=$BASE_VERSION"
	apt-get update -qq >"$WORK/apt.log" 2>&1 ||
		die "apt-get update failed (see $WORK/apt.log): is Debian's archive reachable?"
	if apt-cache madison "$BASE_PKG" | awk '{print $3}' | grep -qxF "$BASE_VERSION"; then
		apt_install "$BASE_PKG=$BASE_VERSION"
	else
		newest=$(apt-cache madison "$BASE_PKG" | awk 'NR==1 {print $3}')
		[ -n "$newest" ] || die "Debian offers no $BASE_PKG at all: check apt sources"
		cat >&2 <<-MSG
		######################################################################
		WARNING: $BASE_PKG $BASE_VERSION has left Debian's archive.
		WARNING: using the newest one, $newest, instead. The series was
		WARNING: tested on $BASE_VERSION; the apply step below shows whether
		WARNING: it still applies. Update BASE_VERSION in scripts/lib.sh.
		######################################################################
		MSG
		apt_install "$BASE_PKG=$newest"
	fi
fi
version=$(installed_version)
[ -f "$BASE_TARBALL" ] || die "$BASE_PKG is installed but $BASE_TARBALL is missing: reinstall it (apt-get install --reinstall $BASE_PKG)"

# 2. The pristine base as a git repository, made once.
if [ -e "$TREE" ] && ! git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
	die "$TREE exists but has no '$BASE_TAG' tag: it is not a workspace made by this script.
Move it away (or delete it if it holds nothing of yours) and run 'make tree' again."
fi
if [ ! -e "$TREE" ]; then
	note "unpacking $BASE_TARBALL ($version)"
	rm -rf "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	tar -xJf "$BASE_TARBALL" -C "$TREE.tmp" --strip-components=1
	# A fixed identity and date make the base commit the same on every
	# machine for the same package version.
	date=$(date -u -d "@$(stat -c %Y "$BASE_TARBALL")" +%FT%TZ)
	(
		cd "$TREE.tmp"
		git init -q -b pristine
		git config user.name "$IDENT_NAME"
		git config user.email "$IDENT_EMAIL"
		git config gc.auto 0
		# Debian's top-level .gitignore ignores every top-level path.
		git add -A -f
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git commit -q -m "Linux $version from Debian's $BASE_PKG"
		GIT_COMMITTER_DATE=$date git tag -a -m "$BASE_PKG $version" "$BASE_TAG"
	)
	mv "$TREE.tmp" "$TREE"
fi
tree_version=$(git -C "$TREE" tag -l --format='%(contents:subject)' "$BASE_TAG")
[ "$tree_version" = "$BASE_PKG $version" ] ||
	die "the workspace base is '$tree_version' but '$BASE_PKG $version' is installed.
Move $TREE away and run 'make tree' again to rebuild it on the installed base."
