# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Definitions shared by the scripts in this directory; sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$ROOT/work}
CONFIGS=$ROOT/configs

# The bases.  BASE (default $DEFAULT_BASE) picks the series and the
# workspace: the default base's series is patches/, every other base's is a
# frozen backport in backports/BASE/.  Each series directory pins its base
# in a file "base" (see fetch_base).  use_base, below, sets the rest.
DEFAULT_BASE=7.3
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

# rows FILE: the lines of one of the project's data files (the series,
# checkpatch.exceptions, expected-reports) that are neither empty
# nor comments.
rows() {
	grep -vE '^[[:space:]]*(#|$)' "$1" || true
}

# The patch files of the series, in order, one path per line.
series_patches() {
	local p
	[ -f "$PATCHES/series" ] || die "$SERIES_NAME/series is missing: restore it with 'git checkout $SERIES_NAME/series'"
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "$SERIES_NAME/series names $p, which is not in $SERIES_NAME/"
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

# bases: the bases there is a series for, one per line, the default first.
bases() {
	local d
	echo "$DEFAULT_BASE"
	for d in "$ROOT"/backports/*/base; do
		[ ! -f "$d" ] || basename "${d%/base}"
	done | sort -V
}

# use_base B: work on base B from now on, and tell the scripts this one
# runs (BASE is exported): its series (SERIES, also PATCHES, and
# SERIES_NAME for messages), its per-series data, its pin (BASE_PKG ...,
# see load_pin) and its workspace SPACE, work/B.
use_base() {
	local b=$1
	if [ "$b" = "$DEFAULT_BASE" ]; then
		SERIES=$ROOT/patches
	else
		SERIES=$ROOT/backports/$b
	fi
	if [ -e "$SERIES/base" ] && [ ! -r "$SERIES/base" ]; then
		die "cannot read $SERIES/base as user $(id -un): make the checkout readable (and its parent directories searchable) for that user"
	fi
	if ! [[ $b =~ ^[0-9][0-9.]*$ ]] || [ ! -f "$SERIES/base" ]; then
		die "unknown base '$b': the bases are $(bases | paste -sd ' ' | sed 's/ /, /g') (BASE=..., default $DEFAULT_BASE)"
	fi
	export BASE=$b
	PATCHES=$SERIES
	SERIES_NAME=${SERIES#"$ROOT/"}
	EXPECTED_REPORTS=$SERIES/expected-reports	# what each provoking case reports
	AUDIT_EXPECTED=$SERIES/audit-expected		# make audit's pinned verdicts
	SPACE=$WORK/$b			# the base's workspace
	TREE=$SPACE/linux		# the developer's tree: pristine base + the series
	CHECK_TREE=$SPACE/check		# worktree where `make check` applies the series
	BUILD=$SPACE/build		# out-of-tree build directories
	LOGS=$WORK/logs/$b
	load_pin "$SERIES/base"
}

# load_pin FILE: read a base pin (VAR=value lines): Debian's package
# BASE_PKG at BASE_VERSION, its .deb's BASE_SHA256, and the archive that
# has it (BASE_URI, suite BASE_SUITE).  A caller that declares these local
# keeps them to itself.
load_pin() {
	local var
	BASE_PKG='' BASE_VERSION='' BASE_SHA256='' BASE_SUITE='' BASE_URI=''
	# shellcheck source=/dev/null # the pin files are data
	. "$1"
	for var in BASE_PKG BASE_VERSION BASE_SHA256 BASE_SUITE BASE_URI; do
		[ -n "${!var}" ] || die "$1 does not set $var: restore it with git"
	done
}

# say_base: the line that says which base a command works on (once per
# base in a process tree).
say_base() {
	[ "${SAID_BASE:-}" != "$BASE" ] || return 0
	export SAID_BASE=$BASE
	note "base $BASE: $SERIES_NAME/ on Debian's $BASE_PKG $BASE_VERSION"
}

# fetch_base PIN TARGET: set BASE_DEB to the pinned base's .deb (PIN: the
# pin file; its variables are already loaded).  Debian's .deb is fetched
# once with a private apt configuration under work/apt (the system's apt
# sources are never read nor changed) and checked against BASE_SHA256 every
# time.  TARGET is the make target that runs this.
fetch_base() {
	local pin=${1#"$ROOT/"} target=$2 apt=$WORK/apt
	local conf=$apt/$BASE_SUITE deb=$apt/debs/${BASE_PKG}_${BASE_VERSION}_all.deb
	local log=$apt/$BASE_SUITE.log sum versions
	local opts=(-o Dir::Etc::sourcelist="$conf/sources.list" -o Dir::Etc::sourceparts=-
		-o Dir::State::Lists="$conf/lists" -o Dir::Cache="$conf/cache"
		-o APT::Sandbox::User=root)

	if [ ! -f "$deb" ]; then
		mkdir -p "$conf/lists/partial" "$conf/cache/archives/partial" "$apt/debs"
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$BASE_URI" "$BASE_SUITE" >"$conf/sources.list"
		note "fetching $BASE_PKG $BASE_VERSION from Debian's $BASE_SUITE (private apt configuration in ${apt#"$ROOT/"})"
		if ! apt-get "${opts[@]}" update >"$log" 2>&1 ||
			grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$log"; then
			tail -n 5 "$log" >&2
			die "could not read Debian's $BASE_SUITE index from $BASE_URI (log: $log).
Is the network up and $BASE_URI reachable?  Then run 'make $target' again."
		fi
		versions=$(apt-cache "${opts[@]}" madison "$BASE_PKG" 2>>"$log" | awk '{ print $3 }')
		grep -qxF "$BASE_VERSION" <<<"$versions" ||
			die "$BASE_PKG $BASE_VERSION is not (or no longer) in Debian's $BASE_SUITE, which has: $(echo "${versions:-nothing}" | paste -sd ' ').
Pin one of them in $pin (BASE_VERSION and BASE_SHA256; see 'The bases' in README.md),
then 'make $target' again and rerun 'make check' on it."
		if ! (cd "$apt/debs" && apt-get "${opts[@]}" download "$BASE_PKG=$BASE_VERSION") >>"$log" 2>&1 ||
			[ ! -f "$deb" ]; then
			tail -n 5 "$log" >&2
			rm -f "$deb"
			die "could not download $BASE_PKG $BASE_VERSION from $BASE_URI (log: $log).
Check the network and the space in $apt/debs, then run 'make $target' again."
		fi
	fi
	sum=$(sha256sum "$deb" | cut -d ' ' -f 1)
	[ "$sum" = "$BASE_SHA256" ] || die "$deb has SHA-256 $sum,
but $pin pins $BASE_SHA256: it is not the package the series was tested on,
and nothing was made from it.  Delete it (rm '$deb') and run 'make $target'
again to fetch it anew.  If the new download does not match either, Debian's
file has changed: find out why before you change BASE_SHA256 in $pin.  (If you
are bumping the pin, check this SHA-256 against the suite's index and pin it:
see 'The bases' in README.md.)"
	# Earlier versions of this script kept the .deb's files unpacked.
	rm -rf "$apt/src"
	BASE_DEB=$deb
}

# base_tree PIN DIR TARGET: the base that the pin file PIN names (see
# fetch_base), unpacked once into DIR as a git repository tagged $BASE_TAG.
# TARGET is the make target that runs this.
base_tree() {
	local pin=$1 dir=$2 target=$3 date tree_version
	local BASE_PKG BASE_VERSION BASE_SHA256 BASE_SUITE BASE_URI BASE_DEB tarball
	load_pin "$pin"

	# 1. The tree, if there is one, must be a base made by this function.
	if [ -e "$dir" ]; then
		git -C "$dir" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
			die "$dir exists but has no '$BASE_TAG' tag: it is not a workspace made by this script.
Move it away (or delete it if it holds nothing of yours) and run 'make $target' again."
		tree_version=$(git -C "$dir" tag -l --format='%(contents:subject)' "$BASE_TAG")
		[ "$tree_version" = "$BASE_PKG $BASE_VERSION" ] ||
			die "the workspace $dir was made from '$tree_version', but ${pin#"$ROOT/"} pins '$BASE_PKG $BASE_VERSION'.
Move $dir away (keep what you need of its branches) and run 'make $target' again to make it on the pinned base."
	fi

	# 2. The pinned package, checked (fetched once).
	fetch_base "$pin" "$target"

	# 3. The pristine tree as a git repository, made once.
	[ ! -e "$dir" ] || return 0
	tarball=usr/src/$BASE_PKG.tar.xz
	note "unpacking $tarball of ${BASE_DEB#"$ROOT/"} into $dir"
	rm -rf "$dir.tmp" "$dir.deb"
	mkdir -p "$dir.tmp" "$dir.deb"
	dpkg-deb --fsys-tarfile "$BASE_DEB" | tar -x -C "$dir.deb" "./$tarball" ||
		die "could not take $tarball out of $BASE_DEB (tar's error is above: is the disk full, or is $BASE_PKG not a kernel source package?)"
	tar -xJf "$dir.deb/$tarball" -C "$dir.tmp" --strip-components=1 ||
		die "could not unpack $tarball into $dir.tmp (tar's error is above); delete $dir.tmp and $dir.deb"
	# A fixed identity and date make the base commit the same on every
	# machine for the same package version.
	date=$(date -u -d "@$(stat -c %Y "$dir.deb/$tarball")" +%FT%TZ)
	rm -rf "$dir.deb"
	(
		cd "$dir.tmp" || exit
		git init -q -b pristine
		git config user.name "$IDENT_NAME"
		git config user.email "$IDENT_EMAIL"
		git config gc.auto 0
		# Debian's top-level .gitignore ignores every top-level path.
		git add -A -f
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git commit -q -m "Linux $BASE_VERSION from Debian's $BASE_PKG"
		GIT_COMMITTER_DATE=$date git tag -a -m "$BASE_PKG $BASE_VERSION" "$BASE_TAG"
	)
	mv "$dir.tmp" "$dir"
}

# need_space TARGET GIB: stop before TARGET starts unless the file system
# of work/ has GIB GiB free: a kernel tree full, it would stop half-way
# with "No space left on device" and leave a half-made workspace behind.
need_space() {
	local target=$1 gib=$2 kib
	mkdir -p "$WORK"
	kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 + 0 }')
	[ "${kib:-0}" -ge $((gib * 1024 * 1024)) ] || die "make $target needs about $gib GiB free in $WORK (a base's .deb, git tree and check worktree about 5 GiB, builds and logs 1-3); its file system has $((${kib:-0} / 1024 / 1024)) GiB free.
Free some space (old clones of the project; work/*/build, which make rebuilds; the *.tmp and *.deb directories a stopped run left in work/*/) and run 'make $target' again."
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
				die "$kbuild/.config lacks $option: build it with configs/$fragment (as scripts/kunit.sh does)"
		done < <(rows "$CONFIGS/$fragment")
	done
}

# boot_x86_64 KERNEL INITRAMFS LOG TIMEOUT CMDLINE...: boot KERNEL under
# QEMU (TCG, two CPUs, 2 GiB) with INITRAMFS (none if empty), its console
# in LOG, killed after TIMEOUT s (said at the end of LOG); $QEMU_ARGS, if
# set, adds QEMU arguments (words; a later -m or -smp wins).  The verdict
# is in LOG.
boot_x86_64() {
	local kernel=$1 initrd=$2 log=$3 timeout=$4 start=$SECONDS status=0 qemu_extra
	local initrd_args=()
	shift 4
	read -ra qemu_extra <<<"${QEMU_ARGS:-}"
	[ -z "$initrd" ] || initrd_args=(-initrd "$initrd")
	rm -f "$log"
	timeout -k 10 "$timeout" qemu-system-x86_64 -nodefaults -nographic -no-reboot \
		-accel tcg -m 2048 -smp 2 "${qemu_extra[@]}" -kernel "$kernel" "${initrd_args[@]}" \
		-append "$*" -serial "file:$log" </dev/null || status=$?
	[ "$status" -ne 124 ] || echo "$(basename "$0"): QEMU killed after $timeout s" >>"$log"
	note "boot: $((SECONDS - start)) s"
}

# init_finished CONSOLE INIT END LOG: whether the init of a boot (its lines
# "INIT: ..." in CONSOLE, console_text of LOG) said END and that lockdep was
# still on at the end (tests/init.h's end_boot()); if not, says what went
# wrong (the end of LOG if the run did not finish).
init_finished() {
	local console=$1 init=$2 end=$3 log=$4
	if ! grep -q "^$init: $end" <<<"$console"; then
		echo "the run did not finish; the console ends with:"
		tail -n 20 "$log"
		return 1
	fi
	if ! grep -qx "$init: debug_locks: *1" <<<"$console"; then
		echo "lockdep was off at the end of the run (a report turned it off, or it never ran)"
		return 1
	fi
}

# console_text LOG: the console log LOG without carriage returns and
# printk timestamps, so that an init's prefixed lines start each line.
console_text() {
	sed -E 's/\r$//; s/^\[[ 0-9.]*\] *//' "$1"
}

use_base "${BASE:-$DEFAULT_BASE}"
