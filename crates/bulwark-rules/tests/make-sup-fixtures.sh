#!/usr/bin/env bash
# Makes the SUP rule fixtures (chart archives and provenance files from the bulwark-sign test
# chart and keys; OCI layouts with cosign signatures). Needs a built bulwark, python3 and the
# Helm SDK oracle:
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

# Image signature fixtures (SUP012/SUP013): OCI layout folders holding one small image and
# its cosign signatures, checked against SUP/cosign.pub. The private keys are thrown away.
for f in SUP012 SUP012_1 SUP013 SUP013_1; do
  rm -rf "$S/$f.oci"
  python3 - "$S/$f.oci" <<'PY'
import hashlib, io, json, os, sys, tarfile
d = sys.argv[1]
os.makedirs(f"{d}/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(f"{d}/blobs/sha256/{h}", "wb").write(data)
    return {"digest": f"sha256:{h}", "size": len(data)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    data = b"hello\n"
    info = tarfile.TarInfo("etc/motd"); info.size = len(data); info.mtime = 0
    t.addfile(info, io.BytesIO(data))
layer = buf.getvalue()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
                     "config": {}}, separators=(",", ":")).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(config)},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **blob(layer)}]},
                      separators=(",", ":")).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         **blob(manifest), "annotations": {"org.opencontainers.image.ref.name": "demo"}}]}
open(f"{d}/index.json", "w").write(json.dumps(index))
open(f"{d}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
done
COSIGN_PASSWORD= "$B" generate-key-pair --output-key-prefix "$T/ours" >/dev/null
COSIGN_PASSWORD= "$B" generate-key-pair --output-key-prefix "$T/theirs" >/dev/null
cp "$T/ours.pub" "$S/cosign.pub"
COSIGN_PASSWORD= "$B" sign "oci:$S/SUP012_1.oci:demo" --key "$T/ours.key" >/dev/null     # signed: quiet
COSIGN_PASSWORD= "$B" sign "oci:$S/SUP013.oci:demo" --key "$T/theirs.key" >/dev/null     # other key: SUP013
COSIGN_PASSWORD= "$B" sign "oci:$S/SUP013_1.oci:demo" --key "$T/ours.key" --bundle >/dev/null  # bundle: quiet
