#!/usr/bin/env bash
# The check of `make mail`: scripts/mail.sh must refuse to run without a
# git identity; with a throwaway one ("Check Sender
# <check@example.invalid>", in a temporary global git config) it must write
# every set of patches/sets into a temporary directory so that
# `git send-email --dry-run` takes each set offline and without a prompt,
# and the mails must carry exactly the diffs of patches/, from the sender,
# with the patches' own sign-offs followed by the sender's, and go to
# nobody at the project's address.  Exits non-zero on the first failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$(git --exec-path)/git-send-email" ] || ! perl -MMail::Address -e 1 2>/dev/null; then
	die "git send-email is missing or incomplete: run 'make deps' (Debian's git-email and libmailtools-perl)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The send command that mail.sh tells you to use, made a dry run.
dry_run() {
	(cd "$tmp" && timeout 300 git send-email --dry-run --confirm=never \
		--smtp-server=localhost --suppress-cc=body --to-cmd=true "$@" </dev/null)
}
# addresses: the addresses in the To: and Cc: headers on stdin, one a line.
addresses() {
	awk '/^$/ { exit } /^[^ \t]/ { h = tolower($0) ~ /^(to|cc):/ } h' |
		sed -E 's/^(To|Cc)://I' | tr ',' '\n' |
		grep -oE '[^<> "]+@[^<> "]+' | tr '[:upper:]' '[:lower:]' | sort -u
}

# 1. No identity: mail.sh refuses, says what to run, and writes nothing.
if [ -n "$(GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$ROOT" config user.email || true)" ]; then
	echo "skip: the no-identity case ($ROOT's own git config sets user.email)"
else
	if GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 MAIL_DIR=$tmp/refused \
		"$here/mail.sh" >"$tmp/refused.log" 2>&1; then
		die "mail.sh ran without a git identity"
	fi
	grep -qF 'git config --global user.email' "$tmp/refused.log" ||
		die "mail.sh refused without an identity, but did not say what to run:
$(cat "$tmp/refused.log")"
	[ ! -e "$tmp/refused" ] || die "mail.sh wrote $tmp/refused although it refused to run"
	echo "ok: without an identity mail.sh refuses: $(sed -n 's/^mail.sh: error: //p' "$tmp/refused.log")"
fi

# 2. A throwaway identity: mail.sh writes the sets.
printf '[user]\n\tname = Check Sender\n\temail = check@example.invalid\n' >"$tmp/gitconfig"
export GIT_CONFIG_GLOBAL=$tmp/gitconfig GIT_CONFIG_NOSYSTEM=1
sender="$(git -C "$ROOT" config user.name) <$(git -C "$ROOT" config user.email)>"
sender_addr=$(git -C "$ROOT" config user.email | tr '[:upper:]' '[:lower:]')
MAIL_DIR=$tmp/mail "$here/mail.sh" 2>&1 || die "mail.sh failed (above)"
! git -C "$TREE" worktree list --porcelain | grep -qxF "worktree $SPACE/mail-tree" ||
	die "mail.sh left its scratch worktree $SPACE/mail-tree behind"

# 3. The mails carry patches/, signed off by the patches' authors, then the sender.
mapfile -t patches < <(series_patches)
mapfile -t dirs < <(find "$tmp/mail" -mindepth 1 -maxdepth 1 -type d | sort -V)
[ "${#dirs[@]}" -eq "$(rows "$PATCHES/sets" | wc -l)" ] ||
	die "mail.sh wrote ${#dirs[@]} sets, $SERIES_NAME/sets has $(rows "$PATCHES/sets" | wc -l)"
i=0 mails=0
for d in "${dirs[@]}"; do
	set=${d##*/}
	mapfile -t files < <(find "$d" -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
	cover=$d/0000-cover-letter.patch
	[ -f "$cover" ] || die "$set has no cover letter"
	grep -qE "^Subject: \[PATCH 0*0/${#files[@]}\] " "$cover" || die "$set: the cover letter is not [PATCH 0/${#files[@]}] (or 00/NN)"
	grep -q '^base-commit: ' "$cover" || die "$set: the cover letter has no base-commit"
	prereq=$(grep -c '^prerequisite-patch-id: ' "$cover" || true)
	[ "$prereq" -eq "$i" ] || die "$set: the cover letter lists $prereq prerequisite patches, not the $i of the sets before it"
	for f in "${files[@]}"; do
		orig=${patches[$i]}
		i=$((i + 1))
		[ "$(git patch-id --stable <"$f" | cut -d' ' -f1)" = "$(git patch-id --stable <"$orig" | cut -d' ' -f1)" ] ||
			die "$set/${f##*/} does not carry the diff of $SERIES_NAME/${orig##*/}"
		grep -qxF "From: $sender" "$f" || die "$set/${f##*/} is not from $sender"
		want=$( (sed '/^---$/q' "$orig" | grep '^Signed-off-by:' || true; echo "Signed-off-by: $sender") | uniq)
		[ "$(sed '/^---$/q' "$f" | grep '^Signed-off-by:')" = "$want" ] ||
			die "$set/${f##*/}: the sign-offs are not those of $SERIES_NAME/${orig##*/} followed by the sender's"
	done
	# 4. git send-email takes the set, offline, without a prompt; each mail
	# goes to the addresses in its headers (and the sender), never to the
	# project's address.
	dry_run "$cover" "${files[@]}" >"$tmp/$set.dry" 2>&1 ||
		die "git send-email --dry-run failed on $set:
$(tail -n 20 "$tmp/$set.dry")"
	ok=$(grep -c '^Result: OK' "$tmp/$set.dry" || true)
	[ "$ok" -eq $((${#files[@]} + 1)) ] || die "git send-email --dry-run passed $ok of the $((${#files[@]} + 1)) mails of $set"
	awk -v dir="$tmp" -v set="$set" 'BEGIN { n = 0 } /^RCPT TO:</ { gsub(/^RCPT TO:<|>$/, ""); print tolower($0) > (dir "/" set "." n ".rcpt") }
		/^Result: / { n++ }' "$tmp/$set.dry"
	n=0
	for f in "$cover" "${files[@]}"; do
		got=$(sort -u "$tmp/$set.$n.rcpt" | grep -vxF "$sender_addr" || true)
		[ "$got" = "$(addresses <"$f")" ] || die "git send-email would send $set/${f##*/} to:
$got
but its headers name:
$(addresses <"$f")"
		! grep -qixF "$IDENT_EMAIL" "$tmp/$set.$n.rcpt" || die "$set/${f##*/} would go to the project's address $IDENT_EMAIL"
		printf 'ok: %-10s %-66s %2d recipients (To %d, Cc %d)\n' "$set" "${f##*/}" "$(echo "$got" | wc -l)" \
			"$(awk '/^$/ { exit } /^[^ \t]/ { h = /^To:/ } h' "$f" | grep -oE '[^<> ",]+@[^<> ",]+' | wc -l)" \
			"$(awk '/^$/ { exit } /^[^ \t]/ { h = /^Cc:/ } h' "$f" | grep -oE '[^<> ",]+@[^<> ",]+' | wc -l)"
		n=$((n + 1))
	done
	mails=$((mails + n))
done
[ "$i" -eq "${#patches[@]}" ] || die "the sets hold $i patches, $SERIES_NAME/series lists ${#patches[@]}"
echo "ok: $mails mails in ${#dirs[@]} sets pass git send-email --dry-run, from $sender"
