#!/usr/bin/env bash
# Benchmark: bulwark vs hadolint (once per file, as CI runs it) vs `trivy config` on the
# Dockerfile corpus, same machine, one run. Prints a Markdown table with ratios.
#
#   bash bench/dockerfile.sh [RUNS]        # default 3 runs each, median reported
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${BULWARK_SHARED:-../shared}
peers=$(bash "$shared/tools/install-peers.sh")
cargo build -q --release -p bulwark
bin=$PWD/target/release/bulwark

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$shared/corpus/dockerfiles" && find . -type f -name Dockerfile -exec cp --parents {} "$work/" \;)
mkdir -p "$work/.cache"
nfiles=$(find "$work" -type f -name Dockerfile ! -path "$work/.cache/*" | wc -l)
find "$work" -type f -name Dockerfile ! -path "$work/.cache/*" > "$work/.cache/list"

source bench/lib.sh

read -r b_t b_m < <(measure "$runs" "$bin" scan "$work" --format json -o "$work/.cache/bulwark.json")
# hadolint once per file, sequentially, as a CI step per Dockerfile does
read -r h_t h_m < <(measure "$runs" bash -c "while read -r f; do '$peers/hadolint' --no-fail -f json \"\$f\" >/dev/null; done < '$work/.cache/list'")
read -r t_t t_m < <(measure "$runs" "$peers/trivy" config --quiet --skip-check-update --skip-version-check \
  --disable-telemetry --misconfig-scanners dockerfile --cache-dir "$work/.cache/trivy" --format json \
  -o "$work/.cache/trivy.json" "$work")

echo "Dockerfile corpus: $nfiles files, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| tool | wall time (median of $runs) | peak RSS | bulwark is faster by |"
echo "| --- | --- | --- | --- |"
printf '| bulwark %s | %.3f s | %d MiB | — |\n' "$("$bin" --version | cut -d' ' -f2)" "$b_t" $((b_m / 1024))
printf '| hadolint %s, once per file | %.3f s | %d MiB (largest run) | %sx |\n' "$("$peers/hadolint" --version | grep -o '[0-9][0-9.]*' | head -1)" "$h_t" $((h_m / 1024)) "$(ratio "$h_t" "$b_t")"
printf '| trivy %s config | %.3f s | %d MiB | %sx |\n' "$("$peers/trivy" --version | head -1 | cut -d' ' -f2)" "$t_t" $((t_m / 1024)) "$(ratio "$t_t" "$b_t")"
