#!/usr/bin/env bash
# Apply the series of BASE (patches/ or backports/BASE/) with `git am` onto
# START in the git tree TREE, as the new branch NAME.
# Usage: apply.sh TREE [START [NAME]]
# Nothing existing is reset or overwritten: a dirty tree or an existing NAME
# stops it, and a patch that does not apply leaves the tree where it was.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base

tree=${1:?usage: apply.sh TREE [START [NAME]]}
start=${2:-HEAD}
name=${3:-mmu-notifier-series}

git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 ||
	die "$tree is not a git tree: point KERNEL_TREE at a kernel checkout"
[ -f "$tree/mm/mmu_notifier.c" ] ||
	die "$tree has no mm/mmu_notifier.c: it is not a Linux source tree"
require_clean "$tree"
[ ! -d "$(git -C "$tree" rev-parse --git-path rebase-apply)" ] ||
	die "$tree is in the middle of a 'git am' or rebase: finish or abort it first"
git -C "$tree" rev-parse -q --verify "refs/heads/$name" >/dev/null &&
	die "$tree already has a branch '$name': delete it or pick another name (BRANCH=...)"
git -C "$tree" rev-parse -q --verify "$start^{commit}" >/dev/null ||
	die "$tree has no commit '$start'"
git -C "$tree" var GIT_COMMITTER_IDENT >/dev/null 2>&1 ||
	die "git has no identity in $tree: set user.name and user.email (git config)"
mkdir -p "$LOGS"

mapfile -t patches < <(series_patches)
orig=$(git -C "$tree" symbolic-ref -q --short HEAD || git -C "$tree" rev-parse HEAD)
git -C "$tree" checkout -q -b "$name" "$start"
if [ ${#patches[@]} -gt 0 ] &&
	! git -C "$tree" am -q --committer-date-is-author-date "${patches[@]}" \
		>"$LOGS/am.log" 2>&1; then
	failed=$(sed -n 's/^Patch failed at [0-9]* //p' "$LOGS/am.log")
	grep -E '^(error|fatal):' "$LOGS/am.log" >&2 || cat "$LOGS/am.log" >&2
	git -C "$tree" am --abort
	git -C "$tree" checkout -q "$orig"
	git -C "$tree" branch -q -D "$name"
	die "the series does not apply to $start in $tree (failed: ${failed:-see above}).
Nothing was changed. Rebase the series onto this tree, or use the base from 'make tree'."
fi
note "applied ${#patches[@]} patches onto $start as branch '$name' in $tree"
