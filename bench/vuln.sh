#!/usr/bin/env bash
# Benchmark: a full vulnerability scan (`bulwark scan IMAGE`: catalogue + match against the
# advisory database) vs the SBOM alone (`bulwark sbom IMAGE`) on each fixture image of
# shared/images, same machine, one run; plus `bulwark db import` of every archive in
# shared/vulndb. Target from issue 6: scan time at most 1.3x SBOM time. Prints Markdown.
#
#   bash bench/vuln.sh [RUNS]        # default 3 runs each, median reported
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${BULWARK_SHARED:-../shared}
cargo build -q --release -p bulwark
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
images="$shared/images"
zstd -q -d "$images/debian-polyglot.docker.tar.zst" -o "$work/debian-polyglot.docker.tar"

source bench/lib.sh

echo "Vulnerability scan vs SBOM of the fixture images, $(nproc) cores, $(date -u +%Y-%m-%d), median of $runs runs"
echo
read -r i_t i_m < <(measure 1 "$bin" db import --db "$work/db.sqlite" "$shared"/vulndb/*.tar.zst)
printf '`bulwark db import` of the %d archives of shared/vulndb: %.2f s, peak RSS %d MiB\n\n' \
  "$(ls "$shared"/vulndb/*.tar.zst | wc -l)" "$i_t" $((i_m / 1024))
echo "| image | bulwark sbom | bulwark scan (with advisories) | scan / sbom | peak RSS scan |"
echo "| --- | --- | --- | --- | --- |"
for target in \
  "oci-archive:$images/debian-polyglot.oci.tar" \
  "docker-archive:$work/debian-polyglot.docker.tar" \
  "oci-archive:$images/tiny-static.oci.tar" \
  "docker-archive:$images/tiny-static.docker.tar"; do
  read -r s_t s_m < <(measure "$runs" "$bin" sbom "$target" -f cyclonedx-json -o "$work/s.json")
  read -r v_t v_m < <(measure "$runs" "$bin" scan --db "$work/db.sqlite" -f json -o "$work/v.json" "$target")
  printf '| %s | %.3f s | %.3f s | %.2f | %d MiB |\n' "${target##*/}" "$s_t" "$v_t" \
    "$(echo "$v_t / $s_t" | bc -l)" $((v_m / 1024))
done
