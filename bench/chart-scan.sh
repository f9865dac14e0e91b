#!/usr/bin/env bash
# Benchmark: scanning the chart corpus, bulwark vs `trivy config` (which renders Helm charts
# itself) and checkov's Helm framework, same machine, one run. bulwark renders each chart
# with default values and, unless `--no-ci-values`, once more per `ci/*-values.yaml`; trivy
# renders default values only, so both bulwark figures are given.
#
#   bash bench/chart-scan.sh [RUNS]        # default 3 runs each, median reported
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${BULWARK_SHARED:-../shared}
eval "$(bash "$shared/tools/install-peers.sh" --env)"
cargo build -q --release -p bulwark
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark
charts=$(cd "$shared/corpus/charts" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=$(find "$charts" -mindepth 3 -maxdepth 3 -name Chart.yaml | wc -l)
nci=$(find "$charts" -mindepth 4 -maxdepth 4 -path '*/ci/*-values.yaml' | wc -l)

source bench/lib.sh

read -r b_t b_m < <(measure "$runs" "$bin" scan "$charts" --format json -o "$work/bulwark.json")
read -r d_t d_m < <(measure "$runs" "$bin" scan "$charts" --no-ci-values --format json -o "$work/bulwark-default.json")
read -r t_t t_m < <(measure "$runs" "$PEERS_BIN/trivy" config --quiet --skip-check-update --skip-version-check \
  --disable-telemetry --cache-dir "$work/trivy-cache" --format json -o "$work/trivy.json" "$charts")
checkov_row="| checkov --framework helm | not measured | — | needs the \`helm\` binary, which is not installed here |"
if command -v helm >/dev/null; then
  read -r c_t c_m < <(measure 1 env PYTHONHASHSEED=0 "$PEERS_BIN/checkov" --framework helm --skip-download \
    -o json -d "$charts")
  checkov_row=$(printf '| checkov %s --framework helm | %.3f s | %d MiB | %sx |' \
    "$("$PEERS_BIN/checkov" --version 2>/dev/null | tail -1)" "$c_t" $((c_m / 1024)) "$(ratio "$c_t" "$b_t")")
fi
findings() { python3 -c "import json,sys; print(sum(len(t['findings']) for t in json.load(open(sys.argv[1]))['targets']))" "$1"; }

echo "Chart corpus: $n charts, $nci ci/ values files, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| tool | wall time (median of $runs) | peak RSS | bulwark (default + ci variants) is faster by |"
echo "| --- | --- | --- | --- |"
printf '| bulwark %s, default values + every ci/ variant (%s findings) | %.3f s | %d MiB | — |\n' "$("$bin" --version | cut -d' ' -f2)" "$(findings "$work/bulwark.json")" "$b_t" $((b_m / 1024))
printf '| bulwark, default values only (`--no-ci-values`, %s findings) | %.3f s | %d MiB | %sx |\n' "$(findings "$work/bulwark-default.json")" "$d_t" $((d_m / 1024)) "$(ratio "$d_t" "$b_t")"
printf '| trivy %s config, default values only | %.3f s | %d MiB | %sx |\n' "$("$PEERS_BIN/trivy" --version | head -1 | cut -d' ' -f2)" "$t_t" $((t_m / 1024)) "$(ratio "$t_t" "$b_t")"
echo "$checkov_row"
