#!/usr/bin/env bash
# Fails when the contracts break what the previous commit published (buf breaking, FILE rules in
# buf.yaml): a removed or renumbered field, a changed type, a removed RPC. Clients built from the
# previous commit must keep working. Compared with HEAD~1; the working tree is what is checked, so
# an uncommitted breaking edit fails too. A deliberate break needs a new package version instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
if ! git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  echo "contracts: no previous commit to compare with (a shallow clone?); breaking-change check skipped" >&2
  exit 0
fi
buf breaking --against '.git#ref=HEAD~1'
echo "contracts: no breaking change against the previous commit"
