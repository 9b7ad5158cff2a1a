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

# Going back to the base and applying again rewrites every file the series
# touches, and make then rebuilds all that includes one (for
# include/linux/mmu_notifier.h, most of the kernel).  Keep the time stamp
# of each such file that comes out the same as before.
old=$(git -C "$CHECK_TREE" rev-parse -q --verify HEAD || true)
declare -A blob=() stamp=()
if [ -n "$old" ] && git -C "$CHECK_TREE" diff --quiet HEAD; then
	while IFS= read -r f; do
		[ -f "$CHECK_TREE/$f" ] || continue
		blob[$f]=$(git -C "$CHECK_TREE" rev-parse "HEAD:$f")
		stamp[$f]=$(stat -c %y "$CHECK_TREE/$f")
	done < <(git -C "$CHECK_TREE" diff --name-only "$BASE_TAG" HEAD)
fi

git -C "$CHECK_TREE" checkout -q -f --detach "$BASE_TAG"
git -C "$CHECK_TREE" clean -q -ffdx
git -C "$CHECK_TREE" branch -q -D check 2>/dev/null || true
"$(dirname "$0")/apply.sh" "$CHECK_TREE" "$BASE_TAG" check

kept=0
for f in "${!blob[@]}"; do
	[ "$(git -C "$CHECK_TREE" rev-parse -q --verify "HEAD:$f" || true)" = "${blob[$f]}" ] || continue
	touch -d "${stamp[$f]}" "$CHECK_TREE/$f"
	kept=$((kept + 1))
done
[ ${#blob[@]} -eq 0 ] || note "check tree: $kept of the ${#blob[@]} files the series touched before are unchanged, their time stamps kept"
