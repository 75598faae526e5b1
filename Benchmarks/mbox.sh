#!/usr/bin/env bash
# mbox against rapport-email-csv on the same messages (release build; the lead calls this from
# the bench). Generates both exports once with the same seed and size (cached in the folder
# given, default Benchmarks/.data/mbox-SIZE), runs each pipeline BENCH_RUNS times with CSV
# outputs only and no fact cache (each run extracts), and prints the two median wall times side by side and their ratio (the target
# is mbox within 1.5x of CSV). Nothing here is a pass/fail test.
#   BENCH_MBOX_SIZE  e-mail size, as CSV (default 200MB)    BENCH_RUNS  runs each (default 3)
set -euo pipefail
size="${BENCH_MBOX_SIZE:-200MB}"
runs="${BENCH_RUNS:-3}"
data="${1:-Benchmarks/.data}/mbox-$size"
bin=.build/release/rapport
[ -x "$bin" ] || swift build -c release --product rapport
for format in csv mbox; do
  if [ ! -f "$data/$format/pipeline.yaml" ]; then
    "$bin" generate --out "$data/$format" --size "$size" --kinds email --email-format "$format" > /dev/null
  fi
  sed 's/^  formats: .*/  formats: [csv]/' "$data/$format/pipeline.yaml" > "$data/$format/pipeline-csv.yaml"
done

# median_wall FORMAT: runs the pipeline $runs times; prints each run, leaves the median in $median.
median_wall() {
  local walls=()
  for i in $(seq 1 "$runs"); do
    rm -rf "$data/$1/.out.cache"  # cold: both formats are read and extracted every time
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" run "$data/$1/pipeline-csv.yaml" --out "$data/$1/out" --quiet > /dev/null
    read -r wall rss < "$data/time.txt"
    walls+=("$wall")
    printf 'bench: %-5s run %d: %6.2f s wall, peak RSS %5.0f MiB\n' "$1" "$i" "$wall" "$((rss / 1024))"
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
}

echo "bench: machine load: $(uptime | sed 's/.*load average: //')"
median_wall csv
csv=$median
median_wall mbox
mbox=$median
cmp -s <(cut -d, -f1-8 "$data/csv/out/metrics.csv") <(cut -d, -f1-8 "$data/mbox/out/metrics.csv") && same="identical" || same="different"
awk -v s="$size" -v c="$csv" -v m="$mbox" -v same="$same" 'BEGIN {
  printf "bench: %s of e-mail   rapport-email-csv %6.2f s   mbox %6.2f s   mbox/csv %4.2fx (target <= 1.5x); metrics.csv %s\n", s, c, m, m / c, same }'
