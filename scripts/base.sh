#!/usr/bin/env bash
# Make the pristine base: install Debian's pinned linux-source package and
# unpack it, once, into the workspace as a git repository tagged $BASE_TAG.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$WORK"

base_tree "$BASE_PKG" "$BASE_VERSION" "$BASE_TARBALL" "$TREE" \
	"BASE_VERSION in scripts/lib.sh" tree
