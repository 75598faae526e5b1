"""The Spark job against `rapport run`: the same report, byte for byte, whatever the
partitions, the order files reach executors, retried tasks or bad files.

Run with `make spark-test` (a venv with pyspark; Java 17). One Spark session (local[2,3]:
two cores, a failed task tried up to three times) serves every test."""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import rapport_spark  # noqa: E402
import threading_data  # noqa: E402

BINARY = os.environ.get("RAPPORT_BINARY", os.path.join(ROOT, ".build", "release", "rapport"))
COMPARED = ["metrics.csv", "responses.csv", "conversations.csv", "trust_report.csv", "rejects.csv", "attention.csv", "rapport.sqlite",
            "partners.csv", "definitions.csv", "report.json", "report.html"]
SPARK = None


def setUpModule():
    global SPARK
    SPARK = rapport_spark.session("local[2,3]", partitions=4)
    SPARK.sparkContext.setLogLevel("FATAL")  # the injected failures' stack traces are expected


def tearDownModule():
    SPARK.stop()


def rapport(*args):
    done = subprocess.run([BINARY] + list(args), capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"rapport {' '.join(args)}: exit {done.returncode}: {done.stderr}")
    return done.stdout


def contents(folder):
    out = {}
    for name in COMPARED:
        with open(os.path.join(folder, name), "rb") as f:
            out[name] = f.read()
    return out


def spark_job(pipeline, out, *extra):
    args = rapport_spark.parse_args([pipeline, "--out", out, "--rapport", BINARY] + list(extra))
    return rapport_spark.run(SPARK, args)


class SameReport(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rapport-spark-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assertSameReport(self, expected, actual):
        for name in COMPARED:
            self.assertTrue(filecmp.cmp(os.path.join(expected, name), os.path.join(actual, name), shallow=False),
                            f"{name} differs between rapport run ({expected}) and the Spark job ({actual})")

    def test_fixtures_for_1_4_and_16_partitions_in_shuffled_order(self):
        pipeline = os.path.join(ROOT, "pipelines", "weekly.yaml")
        local = os.path.join(self.tmp, "local")
        rapport("run", pipeline, "--out", local, "--run-id", "fixed", "--quiet")
        for partitions, seed in [(1, 1), (4, 2), (16, 3)]:
            out = os.path.join(self.tmp, f"spark-{partitions}")
            spark_job(pipeline, out, "--run-id", "fixed", "--partitions", str(partitions), "--shuffle-seed", str(seed))
            self.assertSameReport(local, out)

    def test_threading_equals_rapports_on_shuffled_files(self):
        pipeline, _ = threading_data.write(self.tmp)
        dump = os.path.join(self.tmp, "assignments.tsv")
        out = os.path.join(self.tmp, "spark")
        as_of = "2026-10-14T17:46:40Z"  # later messages are after as-of
        spark_job(pipeline, out, "--run-id", "x", "--partitions", "4", "--shuffle-seed", "5", "--as-of", as_of, "--dump-assignments", dump)
        cache = rapport("shard", "inputs", pipeline, "--out", out).splitlines()[0].split("\t")[1]
        swift = rapport("shard", "threads", pipeline, "--cache", cache, "--as-of-ns", "1792000000000000000").splitlines()
        with open(dump, encoding="utf-8") as f:
            ours = f.read().splitlines()
        self.assertEqual(len(ours), len(swift))
        differing = [(s, o) for s, o in zip(swift, ours) if s != o]
        self.assertEqual(differing[:5], [], f"{len(differing)} of {len(swift)} messages threaded differently (rapport, spark)")
        flags = [int(line.split("\t")[4]) for line in swift]
        for bit, what in [(1, "dropped"), (2, "duplicate"), (4, "after as-of"), (8, "skew")]:
            self.assertTrue(any(f & bit for f in flags), f"the data has no {what} message: the check would prove nothing")
        local = os.path.join(self.tmp, "local")
        rapport("run", pipeline, "--out", local, "--run-id", "x", "--quiet", "--as-of", as_of)
        self.assertSameReport(local, out)

    def test_generated_mail(self):
        data = os.path.join(self.tmp, "gen")
        rapport("generate", "--out", data, "--kinds", "email", "--size", "10MB", "--seed", "11", "--files", "6", "--weeks", "8")
        pipeline = os.path.join(data, "pipeline.yaml")
        local = os.path.join(self.tmp, "local")
        rapport("run", pipeline, "--out", local, "--run-id", "g", "--quiet")
        out = os.path.join(self.tmp, "spark")
        spark_job(pipeline, out, "--run-id", "g", "--partitions", "4", "--shuffle-seed", "9")
        self.assertSameReport(local, out)

    def test_retried_tasks_give_the_same_report(self):
        pipeline, _ = threading_data.write(self.tmp, seed=3, threads=150)
        local = os.path.join(self.tmp, "local")
        rapport("run", pipeline, "--out", local, "--run-id", "r", "--quiet")
        for step in ["map", "scatter", "turns"]:
            out = os.path.join(self.tmp, f"spark-{step}")
            spark_job(pipeline, out, "--run-id", "r", "--partitions", "3", "--inject-failure", step)
            self.assertSameReport(local, out)

    def test_a_corrupt_file_gives_rejects_and_the_other_files_figures(self):
        pipeline, _ = threading_data.write(self.tmp, seed=4, threads=120, bad_file=True)
        local = os.path.join(self.tmp, "local")
        rapport("run", pipeline, "--out", local, "--run-id", "b", "--quiet")
        out = os.path.join(self.tmp, "spark")
        spark_job(pipeline, out, "--run-id", "b", "--partitions", "2")
        self.assertSameReport(local, out)
        with open(os.path.join(out, "rejects.csv"), encoding="utf-8") as f:
            self.assertIn("part-99.csv.gz", f.read())

    def test_a_failed_job_publishes_nothing(self):
        pipeline, _ = threading_data.write(self.tmp, seed=5, threads=60)
        out = os.path.join(self.tmp, "report")
        rapport("run", pipeline, "--out", out, "--run-id", "old", "--quiet")
        before = contents(out)
        # A partition's binary that always fails: Spark gives up after three attempts.
        broken = os.path.join(self.tmp, "rapport-broken")
        with open(broken, "w") as f:
            f.write(f'#!/bin/sh\ncase "$2" in turns) echo "disk full" >&2; exit 1;; esac\nexec {BINARY} "$@"\n')
        os.chmod(broken, 0o755)
        args = rapport_spark.parse_args([pipeline, "--out", out, "--rapport", broken, "--run-id", "new"])
        with self.assertRaises(Exception) as failure:
            rapport_spark.run(SPARK, args)
        self.assertIn("disk full", str(failure.exception))
        self.assertEqual(before, contents(out), "the previous report changed")
        leftovers = [n for n in os.listdir(os.path.dirname(out)) if n.startswith(".rapport-spark-")]
        self.assertEqual(leftovers, [], "the job's work folder was left behind")


if __name__ == "__main__":
    unittest.main(verbosity=2)
