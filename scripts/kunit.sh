#!/usr/bin/env bash
# Run kunit.py for ARCH (um, x86_64, x86_64-rt: x86_64 with PREEMPT_RT
# and without hmm-tests, or x86_64-kvm: with KVM, for kvm.sh) on the
# lockdep configuration (x86_64 with i915 where the series has i915's
# selftest):
# `run` builds the kernel and runs the suites, `exec` boots the built kernel
# again; further arguments go to kunit.py.  The tree is $KTREE (default: the
# check worktree); the kernel log is copied to $LOGS/${KLOG:-kunit-ARCH}.log.
# Usage: kunit.sh um|x86_64|x86_64-rt|x86_64-kvm run|exec [KUNIT.PY ARGS...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: kunit.sh um|x86_64|x86_64-rt|x86_64-kvm run|exec [KUNIT.PY ARGS...]"
arch=$1
cmd=$2
shift 2
tree=${KTREE:-$CHECK_TREE}
build=$BUILD/$arch
mkdir -p "$build" "$LOGS"

args=(--build_dir="$build")
case "$arch" in
um) args+=(--arch=um --timeout=300) ;;
x86_64*)
	args+=(--qemu_config="$CONFIGS/qemu_x86_64.py" --timeout=900)
	PATH=$ROOT/scripts/tcg:$PATH
	;;
*) die "unknown arch '$arch': use um, x86_64, x86_64-rt or x86_64-kvm" ;;
esac
case "$cmd" in
run)
	args+=(--jobs="$(nproc)" --make_options="CC=ccache gcc"
		--kunitconfig="$CONFIGS/lockdep.config")
	[ "$arch" != um ] || args+=(--kunitconfig="$CONFIGS/um.config")
	[ "$arch" = um ] || args+=(--kunitconfig="$CONFIGS/x86_64-lean.config")
	# The x86_64 kernel is the one hmm.sh boots again to run hmm-tests.
	# Where the series has i915's mock selftest of the userptr notifier
	# (the 6.12 backport), the run's boot also runs it (it needs no GPU;
	# i915 then does not register); without it, i915 is not built.
	[ "$arch" != x86_64-rt ] ||
		args+=(--kunitconfig="$CONFIGS/x86_64-rt.config")
	[ "$arch" != x86_64-kvm ] ||
		args+=(--kunitconfig="$CONFIGS/x86_64-kvm.config")
	[ "$arch" != x86_64 ] || args+=(--kunitconfig="$CONFIGS/x86_64-hmm.config"
		--kunitconfig="$CONFIGS/x86_64-debug.config")
	[ "$arch" != x86_64 ] || [ ! -f "$tree/$I915_SELFTEST" ] ||
		args+=(--kunitconfig="$CONFIGS/x86_64-i915.config"
			--kernel_args=i915.mock_selftests=-1
			--kernel_args=i915.st_filter=i915_gem_userptr_mock_selftests/igt_userptr_mayfail)
	[ ! -f "$tree/$SUITE_KUNITCONFIG" ] ||
		args+=(--kunitconfig="$tree/$SUITE_KUNITCONFIG")
	;;
exec) ;;
*) die "unknown kunit.py command '$cmd': use run or exec" ;;
esac

cd "$tree"
# No log of an earlier run may stand for this one.
rm -f "$build/test.log"
status=0
python3 tools/testing/kunit/kunit.py "$cmd" "${args[@]}" "$@" || status=$?
cp "$build/test.log" "$LOGS/${KLOG:-kunit-$arch}.log" 2>/dev/null || true
exit "$status"
