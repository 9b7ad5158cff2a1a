# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Definitions shared by the scripts in this directory; sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$ROOT/work}
TREE=$WORK/linux		# the developer's tree: pristine base + the series
CHECK_TREE=$WORK/check		# worktree where `make check` applies patches/
BUILD=$WORK/build		# out-of-tree build directories
LOGS=$WORK/logs
PATCHES=$ROOT/patches
CONFIGS=$ROOT/configs

# The base the series is tested on, and how the workspace names it.
BASE_PKG=linux-source-6.12
BASE_VERSION=6.12.117-1~deb12u1
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
BASE_TAG=base
BRANCH=series

# The project identity used for every commit the tooling makes or exports.
IDENT_NAME="mmu-notifier series"
IDENT_EMAIL="mmu-notifier-series@users.noreply.invalid"

# Debian's python3 first: the kernel's helpers (spdxcheck.py, kernel-doc,
# Sphinx) need the modules scripts/deps.sh installs from Debian, which
# another python3 earlier in PATH (pyenv, a venv) does not see.
export PATH=/usr/bin:$PATH

export CCACHE_DIR=${CCACHE_DIR:-/var/cache/mmu-notifier-series/ccache}
export CCACHE_BASEDIR=$ROOT
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

die() {
	printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

note() {
	printf '==> %s\n' "$*" >&2
}

# rows FILE: the lines of one of the project's data files (patches/series,
# checkpatch.exceptions, configs/expected-reports) that are neither empty
# nor comments.
rows() {
	grep -vE '^[[:space:]]*(#|$)' "$1" || true
}

# The patch files of the series, in order, one path per line.
series_patches() {
	local p
	[ -f "$PATCHES/series" ] || die "$PATCHES/series is missing: restore it with 'git checkout patches/series'"
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which is not in patches/"
		printf '%s\n' "$PATCHES/$p"
	done < <(rows "$PATCHES/series")
}

# Refuse to touch a tree with uncommitted changes to tracked files.
require_clean() {
	local dirty
	dirty=$(git -C "$1" status --porcelain --untracked-files=no) ||
		die "$1 is not a git tree"
	[ -z "$dirty" ] || die "$1 has uncommitted changes:
$dirty
Commit or stash them, then run this again."
}

# Install Debian packages (arguments are apt package specs), or say how to.
apt_install() {
	if [ "$(id -u)" != 0 ]; then
		die "missing Debian packages: $*
Install them as root: apt-get install $*"
	fi
	note "installing from Debian: $*"
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@"; } >"$WORK/apt.log" 2>&1; then
		tail -n 20 "$WORK/apt.log" >&2
		die "apt-get could not install: $*
The full log is $WORK/apt.log. Check that Debian's archive is reachable (apt-get update)."
	fi
}

# The series' own KUnit suite, once the suite patch adds it.
SUITE_KUNITCONFIG=mm/.kunitconfig
# The i915 mock selftest of the userptr notifier, once the i915 patch adds it.
I915_SELFTEST=drivers/gpu/drm/i915/gem/selftests/i915_gem_userptr.c

# configured TREE BUILD OBJ: does BUILD's .config build OBJ of TREE?  The
# nearest Makefile that names OBJ says: "foo-$(CONFIG_BAR) += ... OBJ"
# needs CONFIG_BAR; "foo-y" or no such line, always.
configured() {
	local tree=$1 config=$2/.config dir=${3%/*} rel=${3##*/} sym
	while ! grep -qs "$rel" "$tree/$dir/Makefile"; do
		[ "$dir" != "${dir%/*}" ] || return 0
		rel=${dir##*/}/$rel
		dir=${dir%/*}
	done
	sym=$(awk -v o="$rel" '
		{ line = line " " $0 }
		/\\$/ { sub(/\\$/, "", line); next }
		{ n = split(line, w, /[ \t]+/)
		  for (i = 1; i <= n; i++) if (w[i] == o) { print w[2]; exit }
		  line = "" }' "$tree/$dir/Makefile" | grep -oE 'CONFIG_[A-Z0-9_]+' || true)
	[ -z "$sym" ] || grep -qE "^$sym=[ym]" "$config"
}
