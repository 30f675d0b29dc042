#!/usr/bin/env bash
# Installs the Debian packages the playground needs, only those missing.
# Runs as root (CI, a fresh machine) or through sudo when available.
set -euo pipefail

# bubblewrap + util-linux (setpriv, unshare, prlimit) + libseccomp2: the sandbox.
# docker.io (dockerd, containerd, runc) + debootstrap: the docker backend and its image,
# built from the Debian mirror when no image registry answers.
packages=(python3 python3-venv python3-pip bubblewrap util-linux libseccomp2 docker.io debootstrap)
# `system-deps.sh browser`: Debian's Chromium too, for the browser tests and bench/web.py
# (Playwright drives it; it never downloads a browser of its own).
[ "${1:-}" = "browser" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The javascript runtime runs the machine's node; any node will do, Debian's when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# npm installs the TypeScript clients' packages (and ot.js, which the OT tests compare with).
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "[system-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
