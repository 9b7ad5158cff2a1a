#!/usr/bin/env bash
# Make the developer's tree of BASE: the pristine base (base.sh), then the
# branch with the series (patches/ or backports/BASE/) applied.  The old branch is kept as a backup if it differs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base

"$(dirname "$0")/base.sh"
version=$(git -C "$TREE" tag -l --format='%(contents:subject)' "$BASE_TAG")
require_clean "$TREE"
git -C "$TREE" checkout -q --detach "$BASE_TAG"
git -C "$TREE" branch -q -D "$BRANCH.new" 2>/dev/null || true
"$(dirname "$0")/apply.sh" "$TREE" "$BASE_TAG" "$BRANCH.new"
# Authors, messages and diffs of the commits since the base: what
# `make export` would write.
content() {
	git -C "$TREE" log -p --format='%an <%ae>%n%B' "$BASE_TAG..$1"
}
if git -C "$TREE" rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null &&
	[ "$(content "$BRANCH")" != "$(content "$BRANCH.new")" ]; then
	backup="backup/$BRANCH-$(date +%Y%m%d-%H%M%S)"
	git -C "$TREE" branch -q -m "$BRANCH" "$backup"
	note "the old '$BRANCH' differed from $SERIES_NAME/: kept as branch '$backup'"
fi
git -C "$TREE" branch -q -M "$BRANCH.new" "$BRANCH"
note "workspace ready: $TREE on branch '$BRANCH' (${version#"$BASE_PKG "} + $(git -C "$TREE" rev-list --count "$BASE_TAG..$BRANCH") patches)"
