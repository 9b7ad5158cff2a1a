#!/usr/bin/env bash
# Install (as root) or list the Debian packages the project needs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Kernel builds (UML and x86_64), QEMU, Sphinx, sparse, ccache, linting;
# uuid-dev for KVM's selftests (make kvm links them static).
PKGS=(build-essential flex bison bc cpio kmod libelf-dev libssl-dev
	python3 python3-ply python3-git python3-sphinx python3-sphinx-rtd-theme python3-yaml
	qemu-system-x86 sparse ccache coccinelle git git-email libmailtools-perl libauthen-sasl-perl libio-socket-ssl-perl xz-utils shellcheck
	uuid-dev)

mkdir -p "$WORK"
mapfile -t missing < <(missing_pkgs "${PKGS[@]}")
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
mkdir -p "$CCACHE_DIR"
note "all ${#PKGS[@]} packages present; ccache in $CCACHE_DIR"
