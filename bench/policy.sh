#!/usr/bin/env bash
# Benchmark: Gatekeeper mode of `bulwark scan --policy` — every ConstraintTemplate of the
# Gatekeeper library (49) with all their sample constraints — over the whole manifest corpus,
# beside the built-in rules on the same corpus, in one run. Prints a Markdown table (wall time
# as the median of N runs, peak RSS, Kubernetes objects per second).
#
#   bash bench/policy.sh [RUNS]        # default 5 runs each
#
# The corpus folder holds peer goldens beside each manifest, so the manifests are first copied
# to a temporary folder and every run scans exactly that folder. The policy folder holds only
# the library's `template.yaml` files and their samples' `constraint*.yaml` files.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shared=${BULWARK_SHARED:-../shared}
cargo build -q --release -p bulwark
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/bulwark

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/policy" "$work/.cache"
(cd "$shared/corpus/manifests" && find . -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
  ! -name '*.trivy.json' ! -name '*.checkov.json' ! -name '*.kv.json' ! -path './peer-rules.json' ! -path './SOURCES.json' \
  -exec cp --parents {} "$work/corpus/" \;)
library="$shared/corpus/policies/gatekeeper-library/library"
(cd "$library" && find . \( -name template.yaml -o -path '*/samples/*' -name 'constraint*.yaml' \) \
  -exec cp --parents {} "$work/policy/" \;)
ntemplates=$(find "$work/policy" -name template.yaml | wc -l)
nconstraints=$(find "$work/policy" -name 'constraint*.yaml' | wc -l)
nfiles=$(find "$work/corpus" -type f | wc -l)

source bench/lib.sh

# Objects bulwark reads in the corpus (Kubernetes objects, List items counted one by one).
"$bin" scan "$work/corpus" --policy "$work/policy" --only-policies --format json \
  -o "$work/.cache/gatekeeper.json" || true
nobjects=$(python3 - "$work/corpus" <<'EOF'
import os, sys, yaml
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        try:
            docs = list(yaml.safe_load_all(open(os.path.join(root, f), encoding="utf-8")))
        except Exception:
            continue
        for d in docs:
            if isinstance(d, dict) and isinstance(d.get("apiVersion"), str) and isinstance(d.get("kind"), str):
                items = d.get("items") if d["kind"].endswith("List") else None
                n += len([i for i in items if isinstance(i, dict) and "kind" in i]) if isinstance(items, list) else 1
print(n)
EOF
)
nviolations=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for t in r["targets"] for f in t["findings"] if f["rule"]=="POL003"))' "$work/.cache/gatekeeper.json")

read -r b_t b_m < <(measure "$runs" "$bin" scan "$work/corpus" --format json -o "$work/.cache/builtin.json")
read -r g_t g_m < <(measure "$runs" "$bin" scan "$work/corpus" --policy "$work/policy" --only-policies \
  --format json -o "$work/.cache/gatekeeper.json")
read -r a_t a_m < <(measure "$runs" "$bin" scan "$work/corpus" --policy "$work/policy" \
  --format json -o "$work/.cache/both.json")

rate() { echo "scale=0; $nobjects / $1" | bc -l; }
echo "Manifest corpus: $nfiles files, $nobjects Kubernetes objects; Gatekeeper library: $ntemplates templates, $nconstraints sample constraints ($nviolations violations); $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| bulwark $("$bin" --version | cut -d' ' -f2) scan | wall time (median) | peak RSS | objects per second |"
echo "| --- | --- | --- | --- |"
printf '| built-in rules (and schema validation) | %.3f s | %d MiB | %s |\n' "$b_t" $((b_m / 1024)) "$(rate "$b_t")"
printf '| Gatekeeper templates and constraints only (`--only-policies`) | %.3f s | %d MiB | %s |\n' "$g_t" $((g_m / 1024)) "$(rate "$g_t")"
printf '| both in one scan | %.3f s | %d MiB | %s |\n' "$a_t" $((a_m / 1024)) "$(rate "$a_t")"
echo
echo "Gatekeeper-only takes $(ratio "$g_t" "$b_t")x the built-in rules' time."
