#!/usr/bin/env bash
# Throughput benchmarks (release build). Data is generated with fixed seeds and cached in
# the folder given (default Benchmarks/.data). Rapport runs beside igzip -dc, gzip -dc,
# xmllint --stream and a DuckDB script computing the same latency figures (Benchmarks/duckdb,
# in a venv created here; its figures are checked against metrics.csv). Prints wall time,
# MB/s, peak memory, medians and the speed issue's ratios; nothing here is a pass/fail test.
#   BENCH_SIZE   e-mail export size (default 1GB)      BENCH_XML_SIZE  ticket XML size (default 500MB)
#   BENCH_RUNS   runs per measurement (default 3)      BENCH_ONLY      email | instructions | mbox | xml | spark (default all)
#   DUCKDB_VERSION  the duckdb wheel (default 2.0.1)
set -euo pipefail
data="${1:-Benchmarks/.data}"
size="${BENCH_SIZE:-1GB}"
xml_size="${BENCH_XML_SIZE:-500MB}"
runs="${BENCH_RUNS:-3}"
only="${BENCH_ONLY:-}"
DUCKDB_VERSION="${DUCKDB_VERSION:-2.0.1}"
bin=.build/release/rapport
mkdir -p "$data"

# time_run LABEL BYTES CMD...: one line per run (wall, MB/s, peak RSS), then the median wall
# time in $median (for the ratios) and the largest peak RSS in $peak_mib.
time_run() {
  local label="$1" bytes="$2"; shift 2
  local walls=()
  peak_mib=0
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" > /dev/null
    read -r wall rss < "$data/time.txt"
    walls+=("$wall")
    peak_mib=$(( rss / 1024 > peak_mib ? rss / 1024 : peak_mib ))
    awk -v l="$label" -v w="$wall" -v r="$rss" -v u="$bytes" -v i="$i" \
      'BEGIN { printf "bench: %-34s run %d: %6.2f s wall, %5.0f MB/s, peak RSS %5.0f MiB\n", l, i, w, u / 1e6 / w, r / 1024 }'
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
}

# csv_only DIR: DIR/pipeline-csv.yaml, the generated pipeline with CSV outputs only (the
# speed issue compares the run to metrics.csv).
csv_only() { sed 's/^  formats: .*/  formats: [csv]/' "$1/pipeline.yaml" > "$1/pipeline-csv.yaml"; }

# uncompressed_bytes DIR: the size of DIR's e-mail export once inflated.
uncompressed_bytes() { for f in "$1"/email/*.csv.gz; do gzip -dc "$f"; done | wc -c; }

# ratio NAME A B: prints A / B.
ratio() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "bench: %-48s %5.2f\n", n, a / b }'; }

# The DuckDB comparison runs in a virtual environment of its own (created once, cached).
duckdb_python() {
  local venv="$data/venv"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import duckdb" 2> /dev/null; then
    echo "bench: creating $venv with duckdb $DUCKDB_VERSION ..." >&2
    python3 -m venv "$venv" && "$venv/bin/pip" install -q "duckdb==$DUCKDB_VERSION" >&2
  fi
  echo "$venv/bin/python"
}

# stages CMD...: one more run at debug level, printing the seconds per stage and per output
# format (the SQLite write among them), then the size of each output file.
stages() {
  RAPPORT_LOG_LEVEL=debug "$@" 2>&1 | sed -n 's/^rapport: debug: /bench:   /p'
  local out="${*: -2:1}"
  for f in "$out"/*; do stat -c '%n %s' "$f"; done | awk '{ n = split($1, p, "/"); printf "bench:   %-20s %9.1f MB\n", p[n], $2 / 1e6 }'
}

if [ -z "$only" ] || [ "$only" = email ]; then
  # "varied": the generator's text no longer repeats (issue 18); older caches are not reused.
  dir="$data/email-varied-$size"
  if [ ! -f "$dir/pipeline.yaml" ]; then
    echo "bench: generating $size of varied e-mail (seed 42) into $dir ..."
    "$bin" generate --out "$dir" --kinds email --size "$size" --seed 42 --files 1 --weeks 52
  fi
  compressed=$(du -cb "$dir"/email/*.csv.gz | tail -1 | cut -f1)
  uncompressed=$(uncompressed_bytes "$dir")
  echo "bench: e-mail input $(( compressed / 1000000 )) MB gzip, $(( uncompressed / 1000000 )) MB uncompressed"
  csv_only "$dir"
  # Cold: no fact cache, every run extracts (a first run, or a new export); warm: the facts cached (a rerun).
  time_run "rapport run, CSV outputs, cold" "$uncompressed" sh -c 'rm -rf "$1"; exec "$2" run "$3" --out "$4" --quiet' _ \
    "$data/.out-email-csv.cache" "$bin" "$dir/pipeline-csv.yaml" "$data/out-email-csv"
  rapport_cold=$median rapport_cold_mib=$peak_mib
  time_run "rapport run, CSV outputs, warm" "$uncompressed" "$bin" run "$dir/pipeline-csv.yaml" --out "$data/out-email-csv" --quiet
  rapport_csv=$median rapport_csv_mib=$peak_mib
  time_run "rapport run, CSV outputs, zlib" "$uncompressed" env RAPPORT_INFLATE=zlib "$bin" run "$dir/pipeline-csv.yaml" --out "$data/out-email-zlib" --quiet
  if cmp -s "$data/out-email-csv/metrics.csv" "$data/out-email-zlib/metrics.csv"; then
    echo "bench: metrics.csv identical with ISA-L and with zlib"
  else
    echo "bench: metrics.csv DIFFERS between ISA-L and zlib"
  fi
  time_run "rapport run, all outputs" "$uncompressed" "$bin" run "$dir/pipeline.yaml" --out "$data/out-email" --quiet
  python=$(duckdb_python)
  "$python" Benchmarks/duckdb/latency.py "$dir/email/*.csv.gz" Europe/Berlin "$data/out-email-csv/metrics.csv" | sed 's/^/bench: /'
  time_run "duckdb, latency.sql" "$uncompressed" "$python" Benchmarks/duckdb/latency.py "$dir/email/*.csv.gz" Europe/Berlin "$data/out-email-csv/metrics.csv"
  duckdb=$median duckdb_mib=$peak_mib
  time_run "gzip -dc" "$uncompressed" gzip -dc "$dir"/email/export-001.csv.gz
  median_gzip=$median
  if command -v igzip > /dev/null; then
    time_run "igzip -dc" "$uncompressed" igzip -dc "$dir"/email/export-001.csv.gz
    igzip=$median
    ratio "rapport (CSV) / igzip -dc   (target <= 1.5)" "$rapport_csv" "$igzip"
  else
    echo "bench: igzip not found (Debian package isal); make bench installs it"
  fi
  gzip_wall=$median_gzip
  echo "bench: side by side ($(( uncompressed / 1000000 )) MB): rapport cold ${rapport_cold} s ${rapport_cold_mib} MiB, warm ${rapport_csv} s ${rapport_csv_mib} MiB | duckdb ${duckdb} s ${duckdb_mib} MiB | igzip -dc ${igzip:-n/a} s | gzip -dc ${gzip_wall} s"
  ratio "duckdb / rapport (CSV)      (target >= 3)" "$duckdb" "$rapport_csv"
  echo "bench: peak RSS rapport (CSV) ${rapport_csv_mib} MiB (target <= 256), duckdb ${duckdb_mib} MiB"
  # The same generator run split into two files (one per core).
  split="$data/email-varied-$size-2files"
  if [ ! -f "$split/pipeline.yaml" ]; then
    echo "bench: generating $size of e-mail in two files (seed 42) into $split ..."
    "$bin" generate --out "$split" --kinds email --size "$size" --seed 42 --files 2 --weeks 52
  fi
  csv_only "$split"
  split_bytes=$(uncompressed_bytes "$split")
  time_run "rapport run, CSV outputs, 2 files" "$split_bytes" "$bin" run "$split/pipeline-csv.yaml" --out "$data/out-email-2files" --quiet
  ratio "throughput 2 files / 1 file (target >= 1.7)" "$(awk -v b="$split_bytes" -v t="$median" 'BEGIN { print b / t }')" \
    "$(awk -v b="$uncompressed" -v t="$rapport_csv" 'BEGIN { print b / t }')"
  stages "$bin" run "$dir/pipeline.yaml" --out "$data/out-email" --quiet
fi

# Instructions executed on 10 MB of e-mail, one thread (callgrind): a figure the shared
# machine's noise does not move, for comparing two builds. Valgrind cannot read the Swift
# toolchain's debug information, so it runs a copy with that stripped (symbols stay).
if [ -z "$only" ] || [ "$only" = instructions ]; then
  if command -v valgrind > /dev/null; then
    small="$data/email-varied-10MB"
    if [ ! -f "$small/pipeline.yaml" ]; then
      "$bin" generate --out "$small" --kinds email --size 10MB --seed 42 --files 1 --weeks 52 > /dev/null
    fi
    csv_only "$small"
    strip --strip-debug -o "$data/rapport-stripped" "$bin"
    valgrind --tool=callgrind --callgrind-out-file="$data/callgrind.out" "$data/rapport-stripped" run "$small/pipeline-csv.yaml" \
      --out "$data/out-email-10MB" --quiet --jobs 1 2>&1 | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)/\1/p' \
      | awk '{ printf "bench: instructions, 10 MB e-mail, 1 thread      %6.0f M (callgrind_annotate %s for the profile)\n", $1 / 1e6, "'"$data/callgrind.out"'" }'
  else
    echo "bench: valgrind not found (Debian package valgrind); make bench installs it"
  fi
fi

# mbox beside rapport-email-csv on the same messages (issue 21: within 1.5x).
if [ -z "$only" ] || [ "$only" = mbox ]; then
  Benchmarks/mbox.sh "$data"
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
  # Compared with CSV outputs, like the e-mail figures; all outputs (SQLite too) beside them.
  csv_only "$dir"
  time_run "rapport run (ticket XML), CSV outputs" "$bytes" "$bin" run "$dir/pipeline-csv.yaml" --out "$data/out-xml-csv" --quiet
  rapport_xml=$median
  time_run "rapport run (ticket XML), all outputs" "$bytes" "$bin" run "$dir/pipeline.yaml" --out "$data/out-xml" --quiet
  stages "$bin" run "$dir/pipeline.yaml" --out "$data/out-xml" --quiet
  if command -v xmllint > /dev/null; then
    time_run "xmllint --stream --noout" "$bytes" xmllint --stream --noout "$file"
    ratio "rapport (XML, CSV) / xmllint --stream (target <= 1.3)" "$rapport_xml" "$median"
  else
    echo "bench: xmllint not found (Debian package libxml2-utils); make bench installs it"
  fi
fi

# The Spark job beside rapport run (issue 22): local[1] and local[2], driver memory.
if [ -z "$only" ] || [ "$only" = spark ]; then
  if command -v java > /dev/null && make --no-print-directory spark-venv > /dev/null; then
    Benchmarks/spark.sh "$data" "$size" "$runs"
  else
    echo "bench: spark skipped (no Java 17 or no pyspark venv: make spark-venv)"
  fi
fi
