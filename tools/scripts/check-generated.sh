#!/usr/bin/env bash
# Fails when the committed generated code in libs/contracts/src/gen differs from what the protos
# generate now (someone edited a .proto without `npm run generate`, or edited gen/ by hand).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
buf generate --output "$tmp"
if ! diff -r "$tmp/libs/contracts/src/gen" libs/contracts/src/gen >"$tmp/diff.txt"; then
  echo "generated code is stale: run 'npm run generate' and commit the result" >&2
  head -50 "$tmp/diff.txt" >&2
  exit 1
fi
echo "generated code is up to date"
