#!/usr/bin/env bash
# Benchmark: bulwark vs `trivy config` vs checkov on the whole manifest corpus, same machine,
# one run. Prints a Markdown table (wall time as the median of N runs, peak RSS) with ratios.
#
#   bash bench/kubernetes.sh [RUNS]        # default 5 runs for bulwark and trivy, 1 for checkov
#
# The corpus folder holds peer goldens beside each manifest, so the manifests are first copied
# to a temporary folder and every tool scans exactly that folder.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shared=${BULWARK_SHARED:-../shared}
peers=$(bash "$shared/tools/install-peers.sh")
cargo build -q --release -p bulwark
bin=$PWD/target/release/bulwark

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$shared/corpus/manifests" && find . -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
  ! -name '*.trivy.json' ! -name '*.checkov.json' ! -name '*.kv.json' ! -path './peer-rules.json' ! -path './SOURCES.json' \
  -exec cp --parents {} "$work/" \;)
mkdir -p "$work/.cache"
nfiles=$(find "$work" -type f ! -path "$work/.cache/*" | wc -l)

source bench/lib.sh

read -r b_t b_m < <(measure "$runs" "$bin" scan "$work" --format json -o "$work/.cache/bulwark.json")
read -r t_t t_m < <(measure "$runs" "$peers/trivy" config --quiet --skip-check-update --skip-version-check \
  --disable-telemetry --cache-dir "$work/.cache/trivy" --format json -o "$work/.cache/trivy.json" "$work")
read -r c_t c_m < <(measure 1 env PYTHONHASHSEED=0 "$peers/checkov" --framework kubernetes --skip-download \
  -o json -d "$work")

echo "Manifest corpus: $nfiles files ($(du -sh --exclude=.cache "$work" | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| tool | wall time (median) | peak RSS | bulwark is faster by |"
echo "| --- | --- | --- | --- |"
printf '| bulwark %s | %.3f s | %d MiB | — |\n' "$("$bin" --version | cut -d' ' -f2)" "$b_t" $((b_m / 1024))
printf '| trivy %s config | %.3f s | %d MiB | %sx |\n' "$("$peers/trivy" --version | head -1 | cut -d' ' -f2)" "$t_t" $((t_m / 1024)) "$(ratio "$t_t" "$b_t")"
printf '| checkov %s | %.3f s | %d MiB | %sx |\n' "$("$peers/checkov" --version 2>/dev/null | tail -1)" "$c_t" $((c_m / 1024)) "$(ratio "$c_t" "$b_t")"
