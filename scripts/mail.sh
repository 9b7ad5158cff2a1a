#!/usr/bin/env bash
# Write a ready-to-send copy of the series into $MAIL_DIR (default
# work/BASE/mail): one directory per patch set of patches/sets, each with its
# cover letter (from the set's cover file) and its base-commit, every mail
# with its To: and Cc:.  The patches are sent as you: git am applies
# patches/ to the base in a scratch worktree (work/BASE/mail-tree, removed at
# the end), and each commit gets you as its author and your Signed-off-by
# after the project's.  Recipients: scripts/get_maintainer.pl on each patch
# (maintainers and reviewers To:, lists Cc:), plus patches/extra-cc and the
# addresses of the patch's own trailers (Cc:, *-by:) in Cc:.  Nothing but
# $MAIL_DIR and the scratch worktree changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
say_base

out=$(realpath -m "${MAIL_DIR:-$SPACE/mail}")
mt=$(realpath -m "$SPACE")/mail-tree
sets=$PATCHES/sets
extra=$PATCHES/extra-cc
stamp=.made-by-mail.sh
# scripts/get_maintainer.pl of the scratch tree (the series applied); git
# history is off because the base has none (patches/extra-cc stands in);
# perl's hash order is fixed, so that recipients keep their order.
gm=(env PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 ./scripts/get_maintainer.pl
	--no-rolestats --no-git --no-git-fallback)

# 1. You: the From: and the added Signed-off-by: of every mail.
name=$(git -C "$ROOT" config user.name || true)
email=$(git -C "$ROOT" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "git does not know who you are (user.name: '${name:-unset}', user.email: '${email:-unset}').
The mails go out as you: you become the author (From:) and add your
Signed-off-by: after the project's.  Tell git once, for all your repositories:
    git config --global user.name \"Your Name\"
    git config --global user.email you@example.org
(for this repository only, 'git -C $ROOT config' instead of 'git config --global'),
then run 'make mail' again."
fi
[ "${email,,}" != "${IDENT_EMAIL,,}" ] ||
	die "user.email is the project's identity ($IDENT_EMAIL), which is not a person
and cannot receive replies: set your own (git config --global user.email you@example.org)"
user="$name <$email>"

# 2. The sets: they must cover patches/series exactly once, in order.
mapfile -t patches < <(series_patches)
n=${#patches[@]}
[ "$n" -gt 0 ] || die "$SERIES_NAME/series lists no patches: nothing to mail"
[ -f "$sets" ] || die "$SERIES_NAME/sets is missing: create it with one line per patch set,
FIRST-LAST<TAB>COVER-FILE (e.g. '1-4<TAB>cover-fixes.in', then '5-<TAB>cover-mayfail.in')"
set_first=() set_last=() set_cover=() set_dir=()
next=1
while IFS= read -r row; do
	k=$((${#set_first[@]} + 1))
	if ! [[ $row =~ ^([0-9]+)-([0-9]*)$'\t'+([^[:space:]]+)[[:space:]]*$ ]]; then
		die "$SERIES_NAME/sets: line '$row' is not FIRST-LAST<TAB>COVER-FILE.
Write e.g. '1-4<TAB>cover-fixes.in' (LAST empty means to the end of the series)."
	fi
	first=$((10#${BASH_REMATCH[1]}))
	last=${BASH_REMATCH[2]:-$n}
	last=$((10#$last))
	cover=${BASH_REMATCH[3]}
	[ "$first" -eq "$next" ] || die "$SERIES_NAME/sets: set $k starts at patch $first, but $(
		[ "$first" -gt "$next" ] && echo "patch $next is in no set" ||
			echo "patch $first is already in set $((k - 1))").
The sets must cover the $n patches of $SERIES_NAME/series once each, in order:
edit $SERIES_NAME/sets so that each set starts where the one before it ends."
	if [ "$last" -lt "$first" ] || [ "$last" -gt "$n" ]; then
		die "$SERIES_NAME/sets: set $k is $first-$last, but $SERIES_NAME/series lists $n patches.
Edit $SERIES_NAME/sets: each set FIRST-LAST needs FIRST <= LAST <= $n (or LAST empty: to the end)."
	fi
	[ -f "$PATCHES/$cover" ] || die "$SERIES_NAME/sets: set $k's cover letter $SERIES_NAME/$cover does not exist.
Create it: the subject on the first line, a blank line, then the body."
	if [ -z "$(sed -n 1p "$PATCHES/$cover")" ] || [ -n "$(sed -n 2p "$PATCHES/$cover")" ] ||
		[ -z "$(sed -n '3,$p' "$PATCHES/$cover" | tr -d '[:space:]')" ]; then
		die "$SERIES_NAME/$cover is not a cover letter: write the subject on its first line, then a blank line, then the body"
	fi
	! sed -n 1p "$PATCHES/$cover" | grep -qP '[^\x00-\x7f]' ||
		die "the subject in $SERIES_NAME/$cover is not plain ASCII: kernel subjects are; rewrite it"
	grep -q PLACEHOLDER "$PATCHES/$cover" &&
		printf 'WARNING: %s/%s is still a placeholder: write it before you send set %d.\n' "$SERIES_NAME" "$cover" "$k" >&2
	set_first+=("$first") set_last+=("$last") set_cover+=("$cover")
	dir=${cover%.in}
	set_dir+=("$k-${dir#cover-}")
	next=$((last + 1))
done < <(rows "$sets")
[ ${#set_first[@]} -gt 0 ] || die "$SERIES_NAME/sets has no sets: add one line per set, FIRST-LAST<TAB>COVER-FILE"
[ "$next" -eq $((n + 1)) ] || die "$SERIES_NAME/sets covers patches 1-$((next - 1)), but $SERIES_NAME/series lists $n.
Edit $SERIES_NAME/sets: make the last set end at $n, or leave its LAST empty ('${set_first[-1]}-')."

# 3. The base, and the extra recipients checked against its MAINTAINERS.
git -C "$TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
	die "no base tree in $TREE: run 'make tree BASE=$BASE' first"
base=$(git -C "$TREE" rev-parse "$BASE_TAG^{commit}")
tmp=$(mktemp -d)
made_tree=
cleanup() {
	if [ -n "$made_tree" ] && registered; then
		kgit -C "$TREE" worktree remove --force "$mt" ||
			echo "mail.sh: could not remove the scratch worktree $mt: run 'git -C $TREE worktree remove --force $mt'" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
git -C "$TREE" show "$BASE_TAG:MAINTAINERS" >"$tmp/MAINTAINERS"
# listed ENTRY ADDRESS: does the MAINTAINERS entry ENTRY list ADDRESS?
listed() {
	awk -v entry="$1" -v addr="$2" 'BEGIN { RS = "" }
		{ n = split($0, l, "\n") }
		l[1] != entry { next }
		{ for (i = 2; i <= n; i++) {
			v = substr(l[i], 4)
			if (l[i] ~ /^[MR]:\t/ && v == addr) found = 1
			if (l[i] ~ /^L:\t/ && (v == addr || index(v, addr " ") == 1)) found = 1
		  }
		  exit }
		END { exit !found }' "$tmp/MAINTAINERS"
}
extra_glob=() extra_addr=()
if [ -f "$extra" ]; then
	while IFS=$'\t' read -r glob addr reason; do
		if [ -z "$glob" ] || [ -z "$addr" ] || ! [[ $reason =~ \(MAINTAINERS:\ (.+)\)$ ]]; then
			die "$SERIES_NAME/extra-cc: line '$glob	$addr	$reason' is not
PATCH-GLOB<TAB>ADDRESS<TAB>REASON (MAINTAINERS: ENTRY): fix it"
		fi
		entry=${BASH_REMATCH[1]}
		listed "$entry" "$addr" || die "$SERIES_NAME/extra-cc: the MAINTAINERS entry '$entry' of the base does not list '$addr'.
Copy the address exactly from that entry (git -C $TREE show base:MAINTAINERS), or name the entry that lists it."
		hit=
		for p in "${patches[@]}"; do
			# shellcheck disable=SC2053 # the glob is meant to match
			[[ ${p##*/} == $glob ]] && hit=1
		done
		[ -n "$hit" ] || die "$SERIES_NAME/extra-cc: '$glob' (for $addr) matches no patch in $SERIES_NAME/series.
Update the glob to the patch's new file name, or drop the line."
		extra_glob+=("$glob") extra_addr+=("$addr")
	done < <(rows "$extra")
fi

# 4. The output directory: only one this script made (or an empty one) is
# replaced, and only once everything below has worked.
if [ -e "$out" ] && [ ! -e "$out/$stamp" ] && [ -n "$(ls -A "$out" 2>/dev/null || echo x)" ]; then
	die "$out exists and was not written by make mail: choose another MAIL_DIR=..., or move it away"
fi

# 5. The scratch worktree: the base, then each patch applied with git am
# and re-signed as you.  Your git settings other than user.name and
# user.email (format.*, commit signing, hooks) stay out of it.
exec 9<"$WORK"
flock -n 9 || die "another 'make mail' is running (it holds $WORK): wait for it to finish"
kgit() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
		GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email git "$@"
}
registered() {
	git -C "$TREE" worktree list --porcelain | grep -qxF "worktree $mt"
}
if registered; then
	note "removing the scratch worktree a previous run left: $mt"
	kgit -C "$TREE" worktree remove --force "$mt"
fi
[ ! -e "$mt" ] || die "$mt exists and is not a worktree of $TREE: move it away (make mail uses that path)"
note "checking out the base in the scratch worktree $mt"
made_tree=1
kgit -C "$TREE" worktree add -q -f --detach "$mt" "$base"
commits=("$base")
for i in "${!patches[@]}"; do
	p=${patches[$i]}
	if ! kgit -C "$mt" am -q --no-3way "$p" >"$tmp/am.log" 2>&1; then
		grep -E '^(error|fatal):' "$tmp/am.log" >&2 || cat "$tmp/am.log" >&2
		die "patch $((i + 1)), $SERIES_NAME/${p##*/}, does not apply to the base with the patches before it.
Nothing was written to $out.  'make check' shows the same failure in its apply
step: fix the patch in $TREE, 'make export BASE=$BASE', then run 'make mail' again."
	fi
	# Your sign-off certifies that you pass the patch on; it does not
	# stand in for the one the patch should already carry.
	[ -n "$(kgit -C "$mt" log -1 --format='%(trailers:key=Signed-off-by,valueonly)')" ] ||
		printf 'WARNING: patch %d, %s, has no Signed-off-by: yours will be its only one.\n' \
			"$((i + 1))" "${p##*/}" >&2
	subject=$(kgit -C "$mt" log -1 --format=%s)
	! [[ $subject =~ ^(fixup|squash|amend)!|WIP ]] ||
		printf 'WARNING: patch %d, "%s", looks unfinished.\n' "$((i + 1))" "$subject" >&2
	kgit -C "$mt" commit -q --amend --no-edit --reset-author --signoff
	commits+=("$(kgit -C "$mt" rev-parse HEAD)")
done

# recipients I FILE: the To: and Cc: rows ("To<TAB>address") of patch I
# (from 1), mailed as FILE.
recipients() {
	local i=$1 file=$2 name=${patches[$(($1 - 1))]##*/} j
	if ! (cd "$mt" && "${gm[@]}" --no-l "$file" >"$tmp/gm.to" 2>>"$tmp/gm.log" &&
		"${gm[@]}" --no-m --no-r "$file" >"$tmp/gm.cc" 2>>"$tmp/gm.log"); then
		tail -n 5 "$tmp/gm.log" >&2
		die "scripts/get_maintainer.pl failed on patch $i, $name (above)"
	fi
	sed 's/^/To\t/' "$tmp/gm.to"
	sed 's/^/Cc\t/' "$tmp/gm.cc"
	for j in "${!extra_glob[@]}"; do
		# shellcheck disable=SC2053 # the glob is meant to match
		[[ $name != ${extra_glob[$j]} ]] || printf 'Cc\t%s\n' "${extra_addr[$j]}"
	done
	# The commit's own trailers, as git send-email would add them, but
	# for the project's address, which takes no mail.
	kgit -C "$mt" log -1 --format='%(trailers:only,unfold)' "${commits[$i]}" |
		sed -nE 's/^(Cc|Signed-off-by|Co-developed-by|Reported-by|Suggested-by|Acked-by|Reviewed-by|Tested-by): *//p' |
		sed -E 's/[[:space:]]*#.*$//' | { grep '@' || true; } | sed 's/^/Cc\t/'
}

# dedupe: one address once, To: before Cc:, not you, not the project.
dedupe() {
	awk -F'\t' -v self="${email,,}" -v project="${IDENT_EMAIL,,}" '
		function key(a) {
			if (match(a, /<[^>]*>/)) a = substr(a, RSTART + 1, RLENGTH - 2)
			return tolower(a)
		}
		{ k = key($2) }
		k == self || k == project || k == "" { next }
		$1 == "To" && !(k in to) { to[k]; tl[++nt] = $2 }
		$1 == "Cc" && !(k in cc) { cc[k]; cl[++nc] = $2; ck[nc] = k }
		END {
			for (i = 1; i <= nt; i++) print "To\t" tl[i]
			for (i = 1; i <= nc; i++) if (!(ck[i] in to)) print "Cc\t" cl[i]
		}'
}

# headers FILE RCPT: add the To: and Cc: of RCPT to the mail FILE.
headers() {
	local mime=
	# A body that is not ASCII needs its charset declared, or send-email
	# would ask for one.
	if grep -qP '[^\x00-\x7f]' "$1" && ! sed '/^$/q' "$1" | grep -qi '^Content-Type:'; then
		mime=1
	fi
	awk -F'\t' -v rcpt="$2" -v mime="$mime" '
		function emit(h, sep, i) {
			sep = h ": "
			for (i = 1; i <= n; i++) if (f[i] == h) { printf "%s%s", sep, a[i]; sep = ",\n    " }
			if (sep != h ": ") printf "\n"
		}
		BEGIN { while ((getline line < rcpt) > 0) { n++; split(line, x, "\t"); f[n] = x[1]; a[n] = x[2] } }
		!done && /^$/ {
			emit("To"); emit("Cc")
			if (mime) printf "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
			done = 1
		}
		{ print }' "$1" >"$1.new"
	mv "$1.new" "$1"
}

# cover FILE COVER-IN: the subject and body of COVER-IN in the cover letter
# FILE that format-patch wrote.
cover() {
	sed -n 1p "$2" >"$tmp/subject"
	sed -n '3,$p' "$2" >"$tmp/body"
	awk -v sfile="$tmp/subject" -v bfile="$tmp/body" '
		BEGIN { getline subject < sfile; mark = "*** SUBJECT HERE ***" }
		/^Subject: / && index($0, mark) && !s {
			# Fold the subject at 78 columns, as format-patch does.
			line = substr($0, 1, index($0, mark) - 1)
			n = split(subject, w, " ")
			for (i = 1; i <= n; i++) {
				if (words && length(line) + length(w[i]) > 78) {
					sub(/ $/, "", line); print line; line = " "; words = 0
				}
				line = line w[i] " "; words++
			}
			sub(/ $/, "", line); print line; s = 1; next
		}
		$0 == "*** BLURB HERE ***" && !b { while ((getline l < bfile) > 0) print l; b = 1; next }
		{ print }
		END { exit !(s && b) }' "$1" >"$1.new" ||
		die "the cover letter format-patch wrote has no '*** SUBJECT HERE ***' or '*** BLURB HERE ***' to fill in: $1"
	mv "$1.new" "$1"
}

# 6. The mail, set by set: format-patch, then the cover text and headers.
stage=$tmp/out
mkdir -p "$stage"
summary=()
for k in "${!set_first[@]}"; do
	first=${set_first[$k]} last=${set_last[$k]} dir=$stage/${set_dir[$k]}
	# --base: base-commit is the base; a later set also lists the patch
	# ids of the sets below it (prerequisite-patch-id), so a maintainer
	# or b4 can tell exactly which set 1 it goes on.
	kgit -C "$mt" format-patch -q -o "$dir" --numbered --cover-letter \
		--subject-prefix=PATCH --base="$base" \
		"${commits[$((first - 1))]}..${commits[$last]}"
	cover "$dir/0000-cover-letter.patch" "$PATCHES/${set_cover[$k]}"
	mapfile -t files < <(find "$dir" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
	[ "${#files[@]}" -eq $((last - first + 1)) ] ||
		die "format-patch wrote ${#files[@]} patches for set $((k + 1)), not $((last - first + 1)): is one of patches $first-$last empty?"
	: >"$tmp/set.rcpt"
	for j in "${!files[@]}"; do
		i=$((first + j))
		recipients "$i" "${files[$j]}" >"$tmp/raw.rcpt"
		dedupe <"$tmp/raw.rcpt" >"$tmp/patch.rcpt"
		cat "$tmp/patch.rcpt" >>"$tmp/set.rcpt"
		headers "${files[$j]}" "$tmp/patch.rcpt"
		summary+=("$(printf '%-16s %-64s To %2d, Cc %2d' "${set_dir[$k]}" "${files[$j]##*/}" \
			"$(grep -c '^To' "$tmp/patch.rcpt" || true)" "$(grep -c '^Cc' "$tmp/patch.rcpt" || true)")")
	done
	dedupe <"$tmp/set.rcpt" >"$tmp/cover.rcpt"
	headers "$dir/0000-cover-letter.patch" "$tmp/cover.rcpt"
	summary+=("$(printf '%-16s %-64s To %2d, Cc %2d' "${set_dir[$k]}" 0000-cover-letter.patch \
		"$(grep -c '^To' "$tmp/cover.rcpt" || true)" "$(grep -c '^Cc' "$tmp/cover.rcpt" || true)")")
	grep -q '^To' "$tmp/cover.rcpt" ||
		die "scripts/get_maintainer.pl finds no maintainer or reviewer for any patch of set $((k + 1)): nobody to send it To:"
done
printf 'Written by scripts/mail.sh for %s; make mail replaces this directory.\n' "$user" >"$stage/$stamp"

# 7. Replace the output directory.
rm -rf "$out"
mkdir -p "$out"
cp -R "$stage/." "$out/"
note "the series as mail from $user, in $out:"
printf '  %s\n' "${summary[@]}" >&2
note "read them, then send each set (the recipients are in the files):"
for d in "${set_dir[@]}"; do
	printf '    git send-email --suppress-cc=body --to-cmd=true %s/*.patch\n' "$out/$d" >&2
done
