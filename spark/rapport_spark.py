#!/usr/bin/env python3
"""Rapport's report on Apache Spark: Spark orchestrates, the `rapport` binary computes.

    spark-submit --files rapport spark/rapport_spark.py PIPELINE --out DIR [--run-id ID]

Steps (docs/spark.md has each one's input and output):
  1. map      every input file, on an executor: `rapport shard keys` extracts it into the
              shared cache of fact files and prints its messages' threading keys.
  2. thread   in Spark: duplicates settled, parents found, conversations by pointer
              jumping (the spec's rules; the one piece of logic written twice).
  3. scatter  per input file, on an executor: `rapport shard scatter` writes its records
              to the partitions of their conversations in the shared work folder;
     turns    per partition, on an executor: `rapport shard turns` builds, measures
              and aggregates that partition's conversations.
  4. merge    on the driver: `rapport shard merge` adds the partitions' results and
              publishes the report folder atomically, as `rapport run` does.

Inputs, the pipeline file, the cache and the work folder must be on a filesystem every
executor sees (a local folder with local[N]; NFS or a mounted bucket on a cluster).
"""

import argparse
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

# Flags of an assignment (docs/spark.md): what the binary does with the message.
DROPPED, DUPLICATE, FUTURE, SKEW = 1, 2, 4, 8
MAX_HOPS = 65534


def parse_args(argv):
    p = argparse.ArgumentParser(prog="rapport_spark.py", description="Rapport's report, computed on Apache Spark.")
    p.add_argument("pipeline", help="the pipeline file (on a filesystem every executor sees)")
    p.add_argument("--out", help="report folder (default: the pipeline's outputs.dir)")
    p.add_argument("--run-id", help="fix the run id (outputs byte-identical to `rapport run --run-id`)")
    p.add_argument("--as-of", help="\"now\" for the report, as rapport run takes it (default: the latest timestamp in the data)")
    p.add_argument("--from", dest="from_", help="first local date of the window (YYYY-MM-DD)")
    p.add_argument("--to", help="local date after the window")
    p.add_argument("--last", help="the last N periods")
    p.add_argument("--partitions", type=int, default=4, help="partitions of conversations (tasks of step 3)")
    p.add_argument("--rapport", help="the rapport binary (default: the one shipped with --files, else .build/release/rapport)")
    p.add_argument("--cache", help="the shared cache of fact files (default: rapport's, beside the report folder)")
    p.add_argument("--work", help="the folder the job's work folder is made in (shared; default: beside the cache)")
    p.add_argument("--shuffle-seed", type=int, help="assign the input files to executors in this shuffled order")
    p.add_argument("--master", help="Spark master when not launched by spark-submit (default local[2])")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--memory-report", action="store_true", help="print the driver's peak memory (JVM, Python, merge) on stderr")
    p.add_argument("--timings", action="store_true", help="print the seconds each step took on stderr")
    p.add_argument("--inject-failure", choices=["map", "scatter", "turns"], help=argparse.SUPPRESS)  # tests: see fail_first_attempt
    p.add_argument("--dump-assignments", help=argparse.SUPPRESS)  # tests: step 2's result, to compare with rapport's
    return p.parse_args(argv)


def child_env():
    """The explicit environment of every rapport subprocess: nothing else leaks in."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "RAPPORT_LOG_LEVEL": "error"}
    for name in ("TMPDIR", "HOME", "RAPPORT_PSEUDONYM_KEY"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def call(binary, args, stdin=None, what="rapport"):
    """Runs rapport; its exit code checked, its stderr (never the environment) in the error."""
    done = subprocess.run([executable(binary)] + args, input=stdin, capture_output=True, env=child_env())
    if done.returncode != 0:
        raise RuntimeError(f"{what}: exit {done.returncode}: {last_error(done.stderr)}")
    return done.stdout.decode("utf-8")


def last_error(stderr):
    """rapport's own error line (its last), without its prefix."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
    return lines[-1].removeprefix("rapport: error: ")


def window_args(a):
    out = []
    if a.from_:
        out += ["--from", a.from_, "--to", a.to]
    if a.last:
        out += ["--last", a.last]
    return out


SHIPPED = "sparkfiles:rapport"


def find_binary(given):
    """`--rapport PATH`, else the binary shipped with `spark-submit --files rapport` (marked,
    so that each executor finds its own copy), else this checkout's release build."""
    if given:
        return os.path.abspath(given)
    try:
        from pyspark import SparkFiles
        if os.path.exists(SparkFiles.get("rapport")):
            return SHIPPED
    except Exception:
        pass
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".build", "release", "rapport"))


def executable(binary):
    """The path to run, on the machine this runs on (a shipped file's local copy)."""
    if binary != SHIPPED:
        return binary
    from pyspark import SparkFiles
    path = SparkFiles.get("rapport")
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def fail_first_attempt(step, inject):
    """Test hook (--inject-failure map|turns): the first attempt of each task of that step
    dies, as a lost executor would; Spark's retry must give the same report."""
    from pyspark import TaskContext
    ctx = TaskContext.get()
    if inject == step and ctx is not None and ctx.attemptNumber() == 0:
        raise RuntimeError(f"injected failure of the first attempt of a {step} task")


# Step 1 ------------------------------------------------------------------------------

# The keys' lines as Spark reads them (docs/spark.md): a fixed schema, never inferred.
KEYS_SCHEMA = "kind string, c1 long, c2 long, c3 long, c4 long, c5 long, c6 long, c7 long, c8 long, c9 long"


def map_files(binary, pipeline, cache, keys, inject):
    """Each task's files extracted into the cache; their keys written to `keys/` (renamed into
    place when complete, so a retried attempt only replaces an equal file)."""
    from pyspark import TaskContext

    def run(files):
        files = list(files)
        if not files:
            return
        fail_first_attempt("map", inject)
        ctx = TaskContext.get()
        final = os.path.join(keys, f"part-{ctx.partitionId():05d}.tsv")
        partial = f"{final}.{ctx.attemptNumber()}.partial"
        with open(partial, "wb") as out:
            done = subprocess.run([executable(binary), "shard", "keys", pipeline, "--cache", cache] + [f[1] for f in files],
                                  stdout=out, stderr=subprocess.PIPE, env=child_env())
        if done.returncode != 0:
            os.unlink(partial)
            raise RuntimeError(f"rapport shard keys: exit {done.returncode}: {last_error(done.stderr)}")
        os.replace(partial, final)
        yield child_peak_mib()
    return run


# Step 2 ------------------------------------------------------------------------------

def jump(nodes, rounds, F):
    """Pointer jumping over `anc` (each message's parent): after it, `hops` is the number of
    known parents up to the root, and `seg` the conversation key of the first message on
    the chain that is its own (a thread id, or the root's subject key). Each round doubles
    the part of the chain summed; at most `rounds` rounds. Returns the frame and the
    messages still pointing somewhere after them (on or into a reply cycle)."""
    df = nodes
    for _ in range(rounds):
        if df.filter(F.col("anc").isNotNull()).limit(1).count() == 0:
            break
        up = df.select(F.col("seq").alias("u_seq"), F.col("anc").alias("u_anc"), F.col("hops").alias("u_hops"), F.col("seg").alias("u_seg"))
        moving = F.col("anc").isNotNull()
        df = (df.join(up, df.anc == up.u_seq, "left")
                .withColumn("hops", F.when(moving, F.col("hops") + F.col("u_hops")).otherwise(F.col("hops")))
                .withColumn("seg", F.when(moving, F.coalesce(F.col("seg"), F.col("u_seg"))).otherwise(F.col("seg")))
                .withColumn("anc", F.when(moving, F.col("u_anc")))
                .drop("u_seq", "u_anc", "u_hops", "u_seg")
                .localCheckpoint())
    return df, df.filter(F.col("anc").isNotNull())


def chains(linked, F):
    """The frame pointer jumping starts from: a message is its own conversation's start
    when it has a thread id or no known parent."""
    stop = F.col("own_thread") | F.col("par").isNull()
    return (linked.withColumn("anc", F.col("par"))
                  .withColumn("hops", F.when(F.col("par").isNull(), 0).otherwise(1))
                  .withColumn("seg", F.when(stop, F.col("own"))))


def break_cycles(stuck, names, notes):
    """The Swift walk (EmailIndex.thread) over the few messages on or into reply cycles:
    each cycle broken at its member with the smallest id (bytes), noted as rapport notes it."""
    parent = dict(stuck)
    state = {}
    breakers = []
    for start in sorted(parent):
        if state.get(start):
            continue
        path = []
        j = start
        while True:
            if state.get(j) == 2:
                break
            if state.get(j) == 1:
                cycle = path[path.index(j):]
                breaker = min(cycle, key=lambda s: names[s].encode("utf-8"))
                parent[breaker] = None
                breakers.append(breaker)
                shown = [names[s] for s in cycle[:5]]
                more = f" -> … ({len(cycle)} messages)" if len(cycle) > 5 else ""
                notes.append("reply cycle broken at its smallest id: " + " -> ".join(shown) + more)
                for s in path:
                    state[s] = 0
                path = []
                j = start
                continue
            state[j] = 1
            path.append(j)
            up = parent.get(j)
            if up is None or up not in parent:
                break
            j = up
        for s in path:
            state[s] = 2
    return breakers


def thread(spark, emails, as_of, ctx, F):
    """Duplicates, parents and conversations (FORMATS.md, rapport-email-csv), as rapport
    run decides them. Returns (assignment frame, conflict lines, notes)."""
    from pyspark.sql import Window
    live = emails.filter(F.col("at") <= as_of)
    by_id = Window.partitionBy("id")
    groups = (live.withColumn("first", F.min("seq").over(by_id))
                  .withColumn("prints", F.size(F.collect_set(F.struct("fph", "fpl")).over(by_id))))
    conflicted = groups.filter(F.col("prints") > 1)
    conflict_rows = conflicted.select("id", "seq", "file", "pos").orderBy("id", "seq").collect()
    conflict_lines, winners, dups, losers = [], set(), set(), set()
    if conflict_rows:
        by = {}
        for r in conflict_rows:
            by.setdefault(r.id, []).append(r)
        order = list(by)
        stdin = "\n".join(" ".join(f"{r.file}:{r.pos}" for r in by[i]) for i in order).encode()
        settled = call(ctx["binary"], ["shard", "conflicts", ctx["pipeline"], "--cache", ctx["cache"]], stdin=stdin, what="rapport shard conflicts")
        place = {(r.file, r.pos): r.seq for rows in by.values() for r in rows}
        for i, line in zip(order, settled.splitlines()):
            w, d, x = (line.split("\t") + ["", ""])[:3]
            winners.add(place[tuple(map(int, w.split(":")))])
            dups.update(place[tuple(map(int, p.split(":")))] for p in d.split())
            losers.update(place[tuple(map(int, p.split(":")))] for p in x.split())
            conflict_lines.append(f"C\t{i}\t" + " ".join(f"{r.file}:{r.pos}" for r in by[i]))
    settled_df = spark.createDataFrame(
        [(s, s not in winners, s in dups) for s in winners | dups | losers] or [(-1, False, False)],
        "seq long, c_dropped boolean, c_dup boolean")
    marked = (groups.join(settled_df, "seq", "left")
                    .withColumn("dropped", F.when(F.col("prints") > 1, F.coalesce("c_dropped", F.lit(False)))
                                .otherwise(F.col("seq") != F.col("first")))
                    .withColumn("dup", F.when(F.col("prints") > 1, F.coalesce("c_dup", F.lit(False)))
                                .otherwise(F.col("seq") != F.col("first")))
                    .drop("c_dropped", "c_dup", "first", "prints")
                    .localCheckpoint())
    nodes = marked.filter(~F.col("dropped"))
    kept = nodes.select(F.col("id").alias("k_id"), F.col("seq").alias("k_seq"), F.col("at").alias("k_at"))
    linked = (nodes.join(kept, (nodes.parent == kept.k_id) & (nodes.parent != 0) & (kept.k_seq != nodes.seq), "left")
                   .withColumn("par", F.col("k_seq"))
                   .withColumn("skew", F.col("k_at").isNotNull() & (F.col("k_at") > F.col("at")))
                   .select("seq", "file", "pos", "par", "skew", "own", "own_thread", "at")
                   .localCheckpoint())
    n = max(1, linked.count())
    rounds = math.ceil(math.log2(n + 1)) + 1
    notes = []
    jumped, stuck = jump(chains(linked, F), rounds, F)
    stuck_rows = stuck.select("seq", "par").collect()
    if stuck_rows:
        pairs = [(r.seq, r.par) for r in stuck_rows]
        found = call(ctx["binary"], ["shard", "ids", ctx["pipeline"], "--cache", ctx["cache"]],
                     stdin="\n".join(f"{ctx['place'](s)[0]}:{ctx['place'](s)[1]}" for s, _ in pairs).encode(), what="rapport shard ids")
        names = {s: line.split("\t", 1)[1] for (s, _), line in zip(pairs, found.splitlines())}
        breakers = spark.createDataFrame([(b,) for b in break_cycles(pairs, names, notes)], "seq long").withColumn("broken", F.lit(True))
        linked = (linked.join(breakers, "seq", "left")
                        .withColumn("par", F.when(F.col("broken").isNotNull(), F.lit(None)).otherwise(F.col("par")))
                        .withColumn("skew", F.col("skew") & F.col("broken").isNull())
                        .drop("broken").localCheckpoint())
        jumped, _ = jump(chains(linked, F), rounds, F)
    threaded = jumped.select("seq", F.least(F.col("hops"), F.lit(MAX_HOPS)).alias("hops"), F.col("seg").alias("key"), "skew")
    assigned = (emails.join(marked.select("seq", "dropped", "dup"), "seq", "left")
                      .join(threaded, "seq", "left")
                      .select("file", "pos", "seq", "at",
                              F.coalesce("key", F.lit(0)).alias("key"), F.coalesce("hops", F.lit(0)).alias("hops"),
                              (F.when(F.col("at") > as_of, FUTURE).otherwise(0)
                               + F.when(F.coalesce("dropped", F.lit(False)), DROPPED).otherwise(0)
                               + F.when(F.coalesce("dup", F.lit(False)), DUPLICATE).otherwise(0)
                               + F.when(F.coalesce("skew", F.lit(False)), SKEW).otherwise(0)).alias("flags")))
    return assigned, conflict_lines, notes


# Step 3 ------------------------------------------------------------------------------

def scatter(binary, pipeline, cache, work, count, as_of, earliest, window, slots, inject):
    """Step 3a: each task's files (the slot's), their records to the partitions of their
    conversations (`rapport shard scatter`), from their messages' assignments."""
    def run(slot, rows):
        fail_first_attempt("scatter", inject)
        stdin = "".join(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\n" for _, r in rows).encode()
        args = ["shard", "scatter", pipeline, "--cache", cache, "--work", work, "--of", str(count), "--as-of-ns", str(as_of)]
        args += (["--earliest-ns", str(earliest)] if earliest is not None else []) + window + [str(f) for f in slots[slot]]
        if slots[slot]:
            call(binary, args, stdin=stdin, what="rapport shard scatter")
        yield slot, child_peak_mib()
    return run


def turns(binary, pipeline, cache, work, count, as_of, earliest, window, inject):
    """Step 3b: one partition built, measured and aggregated (`rapport shard turns`)."""
    def run(index):
        fail_first_attempt("turns", inject)
        args = ["shard", "turns", pipeline, "--cache", cache, "--work", work, "--partition", str(index), "--of", str(count),
                "--as-of-ns", str(as_of)] + (["--earliest-ns", str(earliest)] if earliest is not None else []) + window
        call(binary, args, what=f"rapport shard turns (partition {index})")
        return index, child_peak_mib()
    return run


def child_peak_mib():
    """The largest peak memory of the rapport processes this worker ran, in MiB."""
    import resource
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def session(master=None, partitions=4):
    """A quiet Spark session: no UI, errors only, few shuffle partitions."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    builder = (SparkSession.builder.appName("rapport")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(max(1, partitions)))
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.log.level", "ERROR"))
    # Under spark-submit (which starts the gateway) its --master rules; run directly, local[2].
    if master or "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master(master or "local[2]")
    spark = builder.getOrCreate()
    # Failed attempts Spark retries are not the user's business; a job's failure is reported
    # by main() in one line.
    spark.sparkContext.setLogLevel("FATAL")
    # Executors import this module when the job runs from another program (the tests).
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    return spark


def run(spark, a):
    """The whole job on `spark` with the parsed arguments `a`; returns the summary line."""
    from pyspark.sql import functions as F
    binary = find_binary(a.rapport)
    pipeline = os.path.abspath(a.pipeline)
    listing = call(binary, ["shard", "inputs", pipeline] + (["--out", a.out] if a.out else []) + (["--as-of", a.as_of] if a.as_of else [])
                   + window_args(a), what="rapport shard inputs").splitlines()
    cache = os.path.abspath(a.cache or listing[0].split("\t", 1)[1])
    a.as_of_ns = int(listing[1].split("\t", 1)[1]) if listing[1].split("\t", 1)[1] else None
    os.makedirs(cache, mode=0o700, exist_ok=True)
    inputs = [(int(f[0]), f[1], int(f[2])) for f in (line.split("\t") for line in listing[2:])]
    work = tempfile.mkdtemp(prefix=".rapport-spark-", dir=a.work or os.path.dirname(cache))
    try:
        return run_job(spark, F, a, binary, pipeline, cache, work, inputs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    a = parse_args(argv)
    started = time.time()
    spark = session(a.master, a.partitions)
    try:
        summary = run(spark, a)
        if a.memory_report:
            print(memory_report(spark, a), file=sys.stderr)
    finally:
        spark.stop()
    if not a.quiet:
        # rapport's line, its timing (the merge's own) replaced by the job's.
        head = summary.rsplit("; ", 1)[0] if "; " in summary else summary
        print(f"{head}; Spark, {a.partitions} partitions, {time.time() - started:.1f} s")
    return 0


def peak_mib(pid="self"):
    """A process's peak resident memory (VmHWM), in MiB; None when unknown."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None


def memory_report(spark, a):
    """The driver's peak memory: the JVM (in local mode it runs the executors' tasks too),
    this Python process, and the largest rapport step it ran (the merge)."""
    import resource
    try:
        jvm = peak_mib(spark.sparkContext._gateway.proc.pid)
    except Exception:
        jvm = None
    merge = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return (f"driver peak memory: JVM {jvm} MiB, Python {peak_mib()} MiB, rapport merge {merge} MiB; "
            f"largest executor step: rapport shard keys {getattr(a, 'map_peak_mib', None)} MiB, "
            f"rapport shard scatter {getattr(a, 'scatter_peak_mib', None)} MiB, turns {getattr(a, 'turns_peak_mib', None)} MiB")


def run_job(spark, F, a, binary, pipeline, cache, work, inputs):
    sc = spark.sparkContext
    order = list(inputs)
    if a.shuffle_seed is not None:
        random.Random(a.shuffle_seed).shuffle(order)
    keys = os.path.join(work, "keys")
    os.mkdir(keys, 0o700)
    clock = [time.time()]

    def lap(step):
        if a.timings:
            print(f"rapport-spark: {step}: {time.time() - clock[0]:.1f} s", file=sys.stderr)
        clock[0] = time.time()

    a.map_peak_mib = max(sc.parallelize(order, max(1, min(len(order), sc.defaultParallelism * 2)))
                         .mapPartitions(map_files(binary, pipeline, cache, keys, a.inject_failure)).collect())
    lines = spark.read.schema(KEYS_SCHEMA).option("sep", "\t").option("mode", "FAILFAST").csv(keys).localCheckpoint()
    files = sorted(tuple(r) for r in lines.filter(F.col("kind") == "F").select("c1", "c2", "c3", "c4").collect())
    lap("map (extract, keys)")
    base, n = {}, 0
    for file, count, _, _ in files:
        base[file] = n
        n += count
    latest = [lt for _, _, failed, lt in files if not failed and lt is not None]
    as_of = a.as_of_ns if a.as_of_ns is not None else (max(latest) if latest else time.time_ns())
    bases = spark.createDataFrame([(f, b) for f, b in base.items()], "file long, base long")
    emails = (lines.filter(F.col("kind") == "E")
                   .select(F.col("c1").alias("file"), F.col("c2").alias("pos"), F.col("c3").alias("id"), F.col("c4").alias("parent"),
                           F.col("c5").alias("own"), (F.col("c6") == 1).alias("own_thread"), F.col("c7").alias("at"),
                           F.col("c8").alias("fph"), F.col("c9").alias("fpl"))
                   .join(F.broadcast(bases), "file")
                   .withColumn("seq", F.col("base") + F.col("pos")).drop("base")
                   .localCheckpoint())
    # Files without e-mails share their base with the next file: only files with e-mails place a message.
    placing = {base[f]: f for f, count, _, _ in files if count > 0}
    starts = sorted(placing)

    def place(seq):
        import bisect
        s = starts[bisect.bisect_right(starts, seq) - 1]
        return placing[s], seq - s

    ctx = {"binary": binary, "pipeline": pipeline, "cache": cache, "place": place}
    assigned, conflict_lines, notes = thread(spark, emails, as_of, ctx, F)
    assigned = assigned.localCheckpoint()
    lap("thread (duplicates, parents, pointer jumping)")
    if a.dump_assignments:
        with open(a.dump_assignments, "w", encoding="utf-8") as out:
            for r in assigned.orderBy("seq").collect():
                out.write(f"{r.file}\t{r.pos}\t{r.key}\t{r.hops}\t{r.flags}\n")
    first_time = lines.filter((F.col("kind") == "T") & (F.col("c2") <= as_of)).agg(F.min("c2")).first()[0]
    first_mail = assigned.filter(F.col("flags").bitwiseAND(FUTURE | DROPPED) == 0).agg(F.min("at")).first()[0]
    firsts = [t for t in [first_time, first_mail] if t is not None]
    earliest = min(firsts) if firsts else None
    with open(os.path.join(work, "index"), "w", encoding="utf-8") as out:
        for line in conflict_lines:
            out.write(line + "\n")
        for note in notes:
            out.write("N\t" + note + "\n")
    count = max(1, a.partitions)
    window = window_args(a)
    lap("earliest, index")
    # Step 3a: files to tasks round-robin in the map step's order; each task's assignments
    # are its files' messages'.
    readable = [f for f, _, failed, _ in files if not failed]
    order_of = {f[0]: i for i, f in enumerate(order)}
    readable.sort(key=lambda f: order_of.get(f, f))
    tasks = max(1, min(len(readable), sc.defaultParallelism * 2))
    slots = [readable[i::tasks] for i in range(tasks)]
    slot_of = {f: i for i, fs in enumerate(slots) for f in fs}
    rows = assigned.select("file", "pos", "key", "hops", "flags").rdd \
                   .map(lambda r: (slot_of[r.file], (r.file, r.pos, r.key, r.hops, r.flags))) \
                   .partitionBy(tasks, lambda s: s)
    scattered = rows.mapPartitionsWithIndex(scatter(binary, pipeline, cache, work, count, as_of, earliest, window, slots, a.inject_failure)).collect()
    a.scatter_peak_mib = max(m for _, m in scattered)
    lap("scatter (files to partitions)")
    results = sc.parallelize(range(count), count).map(turns(binary, pipeline, cache, work, count, as_of, earliest, window, a.inject_failure)).collect()
    lap("turns (partitions)")
    done = sorted(i for i, _ in results)
    if done != list(range(count)):
        raise RuntimeError(f"partitions missing from the results: {sorted(set(range(count)) - set(done))}")
    a.turns_peak_mib = max(m for _, m in results)
    merge = ["shard", "merge", pipeline, "--cache", cache, "--work", work, "--of", str(count), "--as-of-ns", str(as_of)]
    merge += (["--earliest-ns", str(earliest)] if earliest is not None else []) + (["--out", a.out] if a.out else [])
    merge += (["--run-id", a.run_id] if a.run_id else []) + window
    line = call(binary, merge, what="rapport shard merge").strip()
    lap("merge, publish")
    return line  # rapport run's own summary line


def failure_message(error):
    """The one line that says what failed: a rapport step's own message when a task died of
    it (inside Spark's wrapping), else the exception's first line."""
    text = str(error)
    for line in text.splitlines():
        if "RuntimeError: " in line:
            return line.split("RuntimeError: ", 1)[1].strip()
    return (text.splitlines() or [type(error).__name__])[0][:400]


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # Spark wraps task failures in Java and Python exceptions alike
        message = failure_message(e)
        print(f"rapport-spark: error: {message}" + ("" if "nothing was published" in message else "; nothing was published"), file=sys.stderr)
        sys.exit(1)
