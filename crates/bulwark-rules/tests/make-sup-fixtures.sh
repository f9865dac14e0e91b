#!/usr/bin/env bash
# Makes the SUP rule fixtures (chart archives and provenance files) from the bulwark-sign test
# chart and keys. Needs a built bulwark and the Helm SDK oracle:
#   eval "$(bash ../shared/tools/install-peers.sh --env)"; bash crates/bulwark-rules/tests/make-sup-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=${BULWARK:-${CARGO_TARGET_DIR:-target}/debug/bulwark}
K=crates/bulwark-sign/tests/fixtures
S=crates/bulwark-rules/tests/fixtures/SUP
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$S"
cp "$K/pubring.gpg" "$S/pubring.gpg"
"$B" package "$K/chart/demo" -d "$T" >/dev/null
"$B" package "$K/chart/demo" -d "$T" --version 0.1.1 >/dev/null
cp "$T/demo-0.1.0.tgz" "$S/SUP010.tgz"      # no provenance: SUP010 fires
for f in SUP010_1 SUP011_1 SUP011; do cp "$T/demo-0.1.0.tgz" "$S/$f.tgz"; done
for f in SUP010_1 SUP011_1 SUP011; do
  "$HELM_PY" -c 'import sys, helm_python as h; h.sign(sys.argv[1], key="rsa@bulwark.invalid", keyring=sys.argv[2])' "$S/$f.tgz" "$K/secring.gpg"
done
cp "$T/demo-0.1.1.tgz" "$S/SUP011.tgz"      # archive replaced after signing: SUP011 fires
