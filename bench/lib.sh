# Shared by the benchmark scripts: `source bench/lib.sh` after setting `work` (a scratch
# folder).

# measure RUNS CMD... -> prints "median_seconds peak_rss_kib" over RUNS runs of CMD (its
# output discarded, a failing exit status ignored: peers exit non-zero on findings).
measure() {
  local runs=$1; shift
  local times=() peak=0
  for ((i = 0; i < runs; i++)); do
    local t0 t1 rss
    t0=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$work/.rss" "$@" >/dev/null 2>"$work/.stderr" || true
    t1=$(date +%s.%N)
    rss=$(tail -1 "$work/.rss")
    times+=("$(echo "$t1 - $t0" | bc -l)")
    ((rss > peak)) && peak=$rss
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') $peak"
}

# ratio A B -> A / B with one decimal.
ratio() { echo "scale=1; $1 / $2" | bc -l; }
