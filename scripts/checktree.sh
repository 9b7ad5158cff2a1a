#!/usr/bin/env bash
# Reset the check worktree to the pristine base and apply patches/ there with
# `git am`: `make check` tests exactly what patches/ holds, and never touches
# the developer's tree or branch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
	die "no base tree in $TREE: run 'make tree BASE=$BASE' first"
if [ ! -e "$CHECK_TREE/.git" ]; then
	rm -rf "$CHECK_TREE"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$CHECK_TREE" "$BASE_TAG"
fi
git -C "$CHECK_TREE" am --abort >/dev/null 2>&1 || true
git -C "$CHECK_TREE" checkout -q -f --detach "$BASE_TAG"
git -C "$CHECK_TREE" clean -q -ffdx
git -C "$CHECK_TREE" branch -q -D check 2>/dev/null || true
"$(dirname "$0")/apply.sh" "$CHECK_TREE" "$BASE_TAG" check
