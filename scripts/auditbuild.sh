#!/usr/bin/env bash
# Build the objects of the driver notifier callbacks that the series
# changes, and that the KUnit kernels do not build, for x86_64 with W=1 and
# sparse (C=1), at the base and at the tree's HEAD, and fail on a build
# error or on a warning that the base does not have.  Only these objects
# are built, in their own configuration (configs/audit-x86_64.config).
# Usage: auditbuild.sh [TREE]   (default: the check tree)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$(kernel_tree "${1:-}")
build=$BUILD/audit-x86_64
log=$LOGS/auditbuild
# amdkfd is built from amdgpu's Makefile, hence the ../amdkfd path.  The
# 6.12 series also patches hfi1's user_exp_rcv.o, the 7.3 one mshv's
# mshv_regions.o, which 6.12 does not have, and amdgpu's and xe's userptr
# notifiers: an object whose source the tree lacks is left out.
objects=()
for o in drivers/gpu/drm/amd/amdgpu/../amdkfd/kfd_svm.o \
	drivers/infiniband/hw/hfi1/user_exp_rcv.o drivers/hv/mshv_regions.o \
	drivers/gpu/drm/amd/amdgpu/amdgpu_hmm.o drivers/gpu/drm/xe/xe_userptr.o; do
	[ ! -f "$tree/${o%.o}.c" ] || objects+=("$o")
done
mkdir -p "$build" "$log"
require_clean "$tree"
tip=$(git -C "$tree" rev-parse HEAD)
back=$(git -C "$tree" symbolic-ref -q --short HEAD || echo "$tip")
trap 'git -C "$tree" checkout -q "$back"' EXIT

kmake() {
	nice make -C "$tree" -s ARCH=x86_64 O="$build" CC="ccache gcc" -j"$(nproc)" "$@"
}

# Build the objects at REV; print their warnings without line numbers.
build() {
	git -C "$tree" checkout -q --detach "$1"
	if [ ! -f "$build/.config" ] || [ "$CONFIGS/audit-x86_64.config" -nt "$build/.config" ]; then
		kmake defconfig >/dev/null
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
			"$CONFIGS/audit-x86_64.config" >/dev/null
	fi
	kmake olddefconfig >/dev/null
	# Compile them again even if the sources did not change: the
	# warnings are what is compared.
	rm -f "${objects[@]/#/$build/}"
	kmake W=1 C=1 "${objects[@]}" >"$log/$2.log" 2>&1 || {
		cat "$log/$2.log" >&2
		die "the build of ${objects[*]} failed at $2"
	}
	build_warnings "$log/$2.log" "$tree"
}

base=$(build "$BASE_TAG" base)
head=$(build "$tip" head)
added=$(comm -13 <(echo "$base") <(echo "$head") | sed '/^$/d')
[ -z "$added" ] || die "new warnings in ${objects[*]}:
$added"
echo "${objects[*]}: build with W=1 C=1, no warning the base does not have"
