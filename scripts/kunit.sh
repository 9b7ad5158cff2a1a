#!/usr/bin/env bash
# Build the lockdep KUnit kernel for ARCH (um or x86_64) from TREE and run the
# suites with kunit.py; further arguments go to `kunit.py run`.  The tree is
# $KTREE (default: the check worktree); the log is left in $LOGS/kunit-ARCH.log.
# Usage: kunit.sh ARCH [KUNIT.PY ARGS...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: kunit.sh um|x86_64 [KUNIT.PY ARGS...]}
shift
tree=${KTREE:-$CHECK_TREE}
build=$BUILD/$arch
mkdir -p "$build" "$LOGS"

args=(--arch="$arch" --build_dir="$build" --jobs="$(nproc)"
	--make_options="CC=ccache gcc" --kunitconfig="$CONFIGS/lockdep.config")
case "$arch" in
um) args+=(--timeout=300) ;;
x86_64) args+=(--timeout=900 --kunitconfig="$CONFIGS/x86_64-i915.config"
	--qemu_config="$CONFIGS/qemu_x86_64.py") ;;
*) die "unknown arch '$arch': use um or x86_64" ;;
esac
[ ! -f "$tree/$SUITE_KUNITCONFIG" ] || args+=(--kunitconfig="$tree/$SUITE_KUNITCONFIG")

cd "$tree"
status=0
python3 tools/testing/kunit/kunit.py run "${args[@]}" "$@" || status=$?
cp "$build/test.log" "$LOGS/kunit-$arch.log" 2>/dev/null || true
exit "$status"
