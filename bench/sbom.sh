#!/usr/bin/env bash
# Benchmark: `bulwark sbom` vs `syft scan` on each fixture image of shared/images, same
# machine, one run, CycloneDX JSON out. Prints a Markdown table with ratios.
#
#   bash bench/sbom.sh [RUNS]        # default 3 runs each, median reported
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${BULWARK_SHARED:-../shared}
peers=$(bash "$shared/tools/install-peers.sh")
cargo build -q --release -p bulwark
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
images="$shared/images"
# the docker archive is stored zstd-compressed; both tools read the same plain tar
zstd -q -d "$images/debian-polyglot.docker.tar.zst" -o "$work/debian-polyglot.docker.tar"

source bench/lib.sh
export SYFT_CHECK_FOR_APP_UPDATE=false

echo "SBOM of the fixture images, $(nproc) cores, $(date -u +%Y-%m-%d), median of $runs runs"
echo
echo "| image | bulwark | syft $("$peers/syft" version 2>/dev/null | awk '/^Version:/ {print $2}') | bulwark is faster by | peak RSS bulwark / syft |"
echo "| --- | --- | --- | --- | --- |"
for target in \
  "oci-archive:$images/debian-polyglot.oci.tar" \
  "docker-archive:$work/debian-polyglot.docker.tar" \
  "oci-archive:$images/tiny-static.oci.tar" \
  "docker-archive:$images/tiny-static.docker.tar"; do
  read -r b_t b_m < <(measure "$runs" "$bin" sbom "$target" -f cyclonedx-json -o "$work/b.json")
  read -r s_t s_m < <(measure "$runs" "$peers/syft" scan -q "$target" -o "cyclonedx-json=$work/s.json")
  printf '| %s | %.3f s | %.3f s | %sx | %d MiB / %d MiB |\n' "${target##*/}" "$b_t" "$s_t" "$(ratio "$s_t" "$b_t")" $((b_m / 1024)) $((s_m / 1024))
done
