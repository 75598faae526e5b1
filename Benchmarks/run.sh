#!/usr/bin/env bash
# Throughput benchmark: a generated e-mail export of about 1 GB (uncompressed, fixed seed,
# cached between runs), read by the release build. Prints wall time, MB/s and peak memory.
set -euo pipefail
data="${1:-Benchmarks/.data}"
size="${BENCH_SIZE:-1GB}"
runs="${BENCH_RUNS:-3}"
bin=.build/release/rapport
mkdir -p "$data"
if [ ! -f "$data/email-$size/pipeline.yaml" ]; then
  echo "bench: generating $size of e-mail (seed 42) into $data/email-$size ..."
  "$bin" generate --out "$data/email-$size" --size "$size" --seed 42 --files 1 --weeks 52
fi
compressed=$(du -cb "$data/email-$size"/email/*.csv.gz | tail -1 | cut -f1)
uncompressed=$(for f in "$data/email-$size"/email/*.csv.gz; do gzip -dc "$f"; done | wc -c)
echo "bench: input $(( compressed / 1000000 )) MB gzip, $(( uncompressed / 1000000 )) MB uncompressed"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" run "$data/email-$size/pipeline.yaml" --out "$data/out" --quiet
  read -r wall rss < "$data/time.txt"
  awk -v w="$wall" -v r="$rss" -v u="$uncompressed" -v i="$i" \
    'BEGIN { printf "bench: run %d: %.2f s wall, %.0f MB/s uncompressed, peak RSS %.0f MiB\n", i, w, u / 1e6 / w, r / 1024 }'
done
t0=$(date +%s.%N); gzip -dc "$data/email-$size"/email/*.csv.gz > /dev/null; t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v u="$uncompressed" 'BEGIN { printf "bench: gzip -dc alone: %.2f s (%.0f MB/s)\n", b - a, u / 1e6 / (b - a) }'
