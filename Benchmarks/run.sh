#!/usr/bin/env bash
# Throughput benchmarks (release build). Data is generated with fixed seeds and cached in
# the folder given (default Benchmarks/.data). Prints wall time, MB/s and peak memory;
# nothing here is a pass/fail test.
#   BENCH_SIZE   e-mail export size (default 1GB)      BENCH_XML_SIZE  ticket XML size (default 500MB)
#   BENCH_RUNS   runs per measurement (default 3)      BENCH_ONLY      email | xml (default both)
set -euo pipefail
data="${1:-Benchmarks/.data}"
size="${BENCH_SIZE:-1GB}"
xml_size="${BENCH_XML_SIZE:-500MB}"
runs="${BENCH_RUNS:-3}"
only="${BENCH_ONLY:-}"
bin=.build/release/rapport
mkdir -p "$data"

# time_run LABEL BYTES CMD...: median-free, one line per run: wall, MB/s, peak RSS.
time_run() {
  local label="$1" bytes="$2"; shift 2
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" > /dev/null
    read -r wall rss < "$data/time.txt"
    awk -v l="$label" -v w="$wall" -v r="$rss" -v u="$bytes" -v i="$i" \
      'BEGIN { printf "bench: %-28s run %d: %6.2f s wall, %5.0f MB/s, peak RSS %5.0f MiB\n", l, i, w, u / 1e6 / w, r / 1024 }'
  done
}

# stages CMD...: one more run at debug level, printing the seconds per stage and per output
# format (the SQLite write among them), then the size of each output file.
stages() {
  RAPPORT_LOG_LEVEL=debug "$@" 2>&1 | sed -n 's/^rapport: debug: /bench:   /p'
  local out="${*: -2:1}"
  for f in "$out"/*; do stat -c '%n %s' "$f"; done | awk '{ n = split($1, p, "/"); printf "bench:   %-20s %9.1f MB\n", p[n], $2 / 1e6 }'
}

if [ -z "$only" ] || [ "$only" = email ]; then
  dir="$data/email-$size"
  if [ ! -f "$dir/pipeline.yaml" ]; then
    echo "bench: generating $size of e-mail (seed 42) into $dir ..."
    "$bin" generate --out "$dir" --kinds email --size "$size" --seed 42 --files 1 --weeks 52
  fi
  compressed=$(du -cb "$dir"/email/*.csv.gz | tail -1 | cut -f1)
  uncompressed=$(for f in "$dir"/email/*.csv.gz; do gzip -dc "$f"; done | wc -c)
  echo "bench: e-mail input $(( compressed / 1000000 )) MB gzip, $(( uncompressed / 1000000 )) MB uncompressed"
  time_run "rapport run (e-mail)" "$uncompressed" "$bin" run "$dir/pipeline.yaml" --out "$data/out-email" --quiet
  time_run "gzip -dc" "$uncompressed" gzip -dc "$dir"/email/export-001.csv.gz
  stages "$bin" run "$dir/pipeline.yaml" --out "$data/out-email" --quiet
fi

if [ -z "$only" ] || [ "$only" = xml ]; then
  dir="$data/tickets-$xml_size"
  if [ ! -f "$dir/pipeline.yaml" ]; then
    echo "bench: generating $xml_size of ticket XML (seed 42) into $dir ..."
    "$bin" generate --out "$dir" --kinds ticket --ticket-size "$xml_size" --seed 42 --weeks 52
  fi
  file="$dir/tickets/tickets-001.xml"
  bytes=$(stat -c %s "$file")
  echo "bench: ticket XML input $(( bytes / 1000000 )) MB"
  time_run "rapport run (ticket XML)" "$bytes" "$bin" run "$dir/pipeline.yaml" --out "$data/out-xml" --quiet
  stages "$bin" run "$dir/pipeline.yaml" --out "$data/out-xml" --quiet
  if command -v xmllint > /dev/null; then
    time_run "xmllint --stream --noout" "$bytes" xmllint --stream --noout "$file"
  else
    echo "bench: xmllint not found (Debian package libxml2-utils); make bench installs it"
  fi
fi
