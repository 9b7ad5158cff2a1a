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

# base_tree PKG VERSION TARBALL DIR PIN TARGET: install Debian's PKG at
# VERSION (pinned as PIN, "VAR in FILE"; the newest one, with a warning, if
# it has left the archive) and unpack its TARBALL, once, into DIR as a git
# repository tagged $BASE_TAG.  TARGET is the make target that runs this.
base_tree() {
	local pkg=$1 want=$2 tarball=$3 dir=$4 pin=$5 target=$6
	local newest version date tree_version

	# 1. The package, pinned.
	if [ "$(pkg_version "$pkg")" != "$want" ]; then
		[ "$(id -u)" = 0 ] || die "$pkg $want is not installed.
Install it as root: apt-get install $pkg=$want"
		apt-get update -qq >"$WORK/apt.log" 2>&1 ||
			die "apt-get update failed (see $WORK/apt.log): is Debian's archive reachable?"
		if apt-cache madison "$pkg" | awk '{print $3}' | grep -qxF "$want"; then
			apt_install "$pkg=$want"
		else
			newest=$(apt-cache madison "$pkg" | awk 'NR==1 {print $3}')
			[ -n "$newest" ] || die "Debian offers no $pkg at all: check apt sources"
			cat >&2 <<-MSG
			######################################################################
			WARNING: $pkg $want has left Debian's archive.
			WARNING: using the newest one, $newest, instead. The series was
			WARNING: tested on $want; the apply step below shows whether
			WARNING: it still applies. Update $pin.
			######################################################################
			MSG
			apt_install "$pkg=$newest"
		fi
	fi
	version=$(pkg_version "$pkg")
	[ -f "$tarball" ] || die "$pkg is installed but $tarball is missing: reinstall it (apt-get install --reinstall $pkg)"

	# 2. The pristine tree as a git repository, made once.
	if [ -e "$dir" ] && ! git -C "$dir" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
		die "$dir exists but has no '$BASE_TAG' tag: it is not a workspace made by this script.
Move it away (or delete it if it holds nothing of yours) and run 'make $target' again."
	fi
	if [ ! -e "$dir" ]; then
		note "unpacking $tarball ($version)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1
		# A fixed identity and date make the base commit the same on every
		# machine for the same package version.
		date=$(date -u -d "@$(stat -c %Y "$tarball")" +%FT%TZ)
		(
			cd "$dir.tmp" || exit
			git init -q -b pristine
			git config user.name "$IDENT_NAME"
			git config user.email "$IDENT_EMAIL"
			git config gc.auto 0
			# Debian's top-level .gitignore ignores every top-level path.
			git add -A -f
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
				git commit -q -m "Linux $version from Debian's $pkg"
			GIT_COMMITTER_DATE=$date git tag -a -m "$pkg $version" "$BASE_TAG"
		)
		mv "$dir.tmp" "$dir"
	fi
	tree_version=$(git -C "$dir" tag -l --format='%(contents:subject)' "$BASE_TAG")
	[ "$tree_version" = "$pkg $version" ] ||
		die "the workspace base is '$tree_version' but '$pkg $version' is installed.
Move $dir away and run 'make $target' again to rebuild it on the installed base."
}

# missing_pkgs PKG...: the Debian packages among PKG that are not
# installed, one per line.
missing_pkgs() {
	local p
	for p; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

# pkg_version PKG: the installed version of Debian package PKG, or nothing.
pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true
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

# kernel_tree [DIR]: DIR (default: the check tree) as an absolute path;
# dies if it is not a directory.
kernel_tree() {
	local t=${1:-$CHECK_TREE}
	[ -d "$t" ] || die "no kernel tree at $t: run 'make check' first, or name one"
	(cd "$t" && pwd)
}

# build_warnings LOG TREE: the warnings and errors of the build log LOG,
# without TREE's path (or the check worktree's, relative) and without line
# numbers, so that a build at another commit can be compared with it.
build_warnings() {
	grep -E ': (warning|error):' "$1" |
		sed -E "s#^$2/##; s#^(\\.\\./)+check/##; s#:[0-9]+(:[0-9]+)?:#:#" |
		sort -u || true
}

# require_config KERNEL_BUILD FRAGMENT...: die unless KERNEL_BUILD's .config
# sets every option that the fragments (file names in configs/) set.
require_config() {
	local kbuild=$1 fragment option
	shift
	for fragment; do
		while read -r option; do
			grep -qx "$option" "$kbuild/.config" ||
				die "$kbuild/.config lacks $option: build it with configs/$fragment (kunit.sh x86_64 run does)"
		done < <(rows "$CONFIGS/$fragment")
	done
}

# boot_x86_64 KERNEL INITRAMFS LOG TIMEOUT CMDLINE...: boot KERNEL under
# QEMU (TCG, two CPUs, 2 GiB) with INITRAMFS, its console in LOG, killed
# after TIMEOUT s (said at the end of LOG).  The verdict is in LOG.
boot_x86_64() {
	local kernel=$1 initrd=$2 log=$3 timeout=$4 start=$SECONDS status=0
	shift 4
	rm -f "$log"
	timeout -k 10 "$timeout" qemu-system-x86_64 -nodefaults -nographic -no-reboot \
		-m 2048 -smp 2 -kernel "$kernel" -initrd "$initrd" \
		-append "$*" -serial "file:$log" </dev/null || status=$?
	[ "$status" -ne 124 ] || echo "$(basename "$0"): QEMU killed after $timeout s" >>"$log"
	note "boot: $((SECONDS - start)) s"
}

# console_text LOG: the console log LOG without carriage returns and
# printk timestamps, so that an init's prefixed lines start each line.
console_text() {
	sed -E 's/\r$//; s/^\[[ 0-9.]*\] *//' "$1"
}
