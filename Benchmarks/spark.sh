#!/usr/bin/env bash
# The Spark job (spark/rapport_spark.py) beside rapport run on the same e-mail, split in 8
# files so that the map step has work for every core: local[1] and local[2] (how it scales
# with cores), each with an empty cache, and the driver's peak memory. Called by run.sh
# (BENCH_ONLY=spark); its venv is the Makefile's (make spark-venv).
#   spark.sh DATA SIZE RUNS
set -euo pipefail
data="$1" size="$2"
bin=.build/release/rapport
python="${SPARK_VENV:-$HOME/.cache/rapport/spark-venv-4.3.0}/bin/python"
dir="$data/email-varied-$size-8files"
if [ ! -f "$dir/pipeline.yaml" ]; then
  echo "bench: generating $size of varied e-mail in 8 files (seed 42) into $dir ..."
  "$bin" generate --out "$dir" --kinds email --size "$size" --seed 42 --files 8 --weeks 52 > /dev/null
fi
sed 's/^  formats: .*/  formats: [csv]/' "$dir/pipeline.yaml" > "$dir/pipeline-csv.yaml"
bytes=$(for f in "$dir"/email/*.csv.gz; do gzip -dc "$f"; done | wc -c)
echo "bench: spark input $(( bytes / 1000000 )) MB uncompressed in 8 files"

# cold LABEL CMD...: one run with an empty cache; wall time, MB/s and peak RSS of the largest process.
cold() {
  local label="$1"; shift
  rm -rf "$data/.spark-cache"
  /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" > /dev/null 2> "$data/spark-stderr.txt" || { cat "$data/spark-stderr.txt" >&2; return 1; }
  read -r wall rss < "$data/time.txt"
  awk -v l="$label" -v w="$wall" -v r="$rss" -v u="$bytes" \
    'BEGIN { printf "bench: %-34s %6.2f s wall, %5.0f MB/s, largest process %5.0f MiB\n", l, w, u / 1e6 / w, r / 1024 }'
  grep '^driver peak memory' "$data/spark-stderr.txt" | sed 's/^/bench:   /' || true
  last_wall=$wall
}

cold "rapport run (cold)" "$bin" run "$dir/pipeline-csv.yaml" --out "$data/out-spark-local" --run-id bench --quiet
local_wall=$last_wall
for master in 'local[1]' 'local[2]'; do
  SPARK_LOCAL_IP=127.0.0.1 cold "spark $master, 8 partitions (cold)" "$python" spark/rapport_spark.py "$dir/pipeline-csv.yaml" \
    --out "$data/out-spark-$master" --run-id bench --master "$master" --partitions 8 --cache "$data/.spark-cache" \
    --rapport "$bin" --memory-report --quiet
  eval "wall_${master//[^0-9]/}=$last_wall"
  if cmp -s "$data/out-spark-local/metrics.csv" "$data/out-spark-$master/metrics.csv"; then
    echo "bench:   metrics.csv identical to rapport run's"
  else
    echo "bench:   metrics.csv DIFFERS from rapport run's"
  fi
done
awk -v a="$wall_1" -v b="$wall_2" -v l="$local_wall" 'BEGIN {
  printf "bench: spark throughput local[2] / local[1]          %5.2f (2 cores)\n", a / b
  printf "bench: spark local[2] / rapport run (wall)            %5.2f\n", b / l }'
