#!/usr/bin/env bash
# Benchmark: rendering the chart corpus with default values. bulwark runs one
# `bulwark template CHART --output json` process per chart (as CI would); the Helm v4 SDK
# renders every chart from one process (helm-render.py --serve), so it pays its start-up once.
#
#   bash bench/helm.sh [RUNS]        # default 3 runs each, median reported
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${BULWARK_SHARED:-../shared}
eval "$(bash "$shared/tools/install-peers.sh" --env)"
if [[ -z ${HELM_PY:-} ]]; then echo "no Helm SDK oracle (needs Python >= 3.12)" >&2; exit 2; fi
cargo build -q --release -p bulwark
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
charts=$(cd "$shared/corpus/charts" && find . -mindepth 2 -maxdepth 2 -type d | sort | sed 's#^\./##')
n=$(echo "$charts" | wc -l)
printf '%s\n' $charts | while read -r c; do
  printf '{"chart": "%s"}\n' "$shared/corpus/charts/$c"
done > "$work/requests.jsonl"

source bench/lib.sh

read -r b_t b_m < <(measure "$runs" bash -c "for c in $(echo $charts); do '$bin' template '$shared/corpus/charts/'\$c --output json >/dev/null 2>&1 || true; done")
read -r h_t h_m < <(measure "$runs" bash -c "'$HELM_PY' '$shared/tools/helm-render.py' --serve < '$work/requests.jsonl'")

# CPU seconds (user + system, children included) of one more run each: unlike wall time,
# it hardly moves when other work shares the machine.
cpu() { /usr/bin/time -f '%U %S' -o "$work/.cpu" "$@" >/dev/null 2>&1 || true; awk '{print $1 + $2}' "$work/.cpu"; }
b_cpu=$(cpu bash -c "for c in $(echo $charts); do '$bin' template '$shared/corpus/charts/'\$c --output json >/dev/null 2>&1 || true; done")
h_cpu=$(cpu bash -c "'$HELM_PY' '$shared/tools/helm-render.py' --serve < '$work/requests.jsonl'")

echo "Chart corpus: $n charts, default values, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%d)"
echo
echo "| renderer | wall time (median of $runs) | CPU time (1 run) | peak RSS | bulwark is faster by (wall / CPU) |"
echo "| --- | --- | --- | --- | --- |"
printf '| bulwark %s, one process per chart | %.3f s | %.2f s | %d MiB (largest process) | — |\n' "$("$bin" --version | cut -d' ' -f2)" "$b_t" "$b_cpu" $((b_m / 1024))
printf '| Helm v4 SDK (helm-render.py --serve), one process | %.3f s | %.2f s | %d MiB | %sx / %sx |\n' "$h_t" "$h_cpu" $((h_m / 1024)) "$(ratio "$h_t" "$b_t")" "$(ratio "$h_cpu" "$b_cpu")"
