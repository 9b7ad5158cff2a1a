#!/usr/bin/env bash
# Make the pristine base of BASE: fetch Debian's pinned linux-source
# package (the series directory's file "base") and unpack it, once, into
# the workspace as a git repository tagged $BASE_TAG.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base
mkdir -p "$WORK"

base_tree "$SERIES/base" "$TREE" tree
