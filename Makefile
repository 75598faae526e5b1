# Rapport: the two commands a new user needs are `make report` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := report

SWIFT ?= swift
PIPELINE ?= pipelines/weekly.yaml
REPORT_DIR ?= out/weekly
# Debian packages the build needs (system libraries linked by Package.swift). libisal-dev is
# ISA-L's inflate, about 4x zlib's: optional (compiled in when its header is there, loaded at
# run time when its library is), zlib otherwise.
# libjemalloc-dev is the release build's allocator (linked by Package.swift).
DEBIAN_PACKAGES := zlib1g-dev libxml2-dev libsqlite3-dev pkg-config libisal-dev libjemalloc-dev libgmime-3.0-dev libarchive-dev
BENCH_DATA ?= Benchmarks/.data

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := csv timestamp address xml gzip text vtt chat mime zip json
FUZZ_DIR ?= .build-fuzz

# The Spark job (spark/): a venv with a pinned pyspark, shared by every clone of this user.
PYSPARK_VERSION := 4.3.0
SPARK_VENV ?= $(HOME)/.cache/rapport/spark-venv-$(PYSPARK_VERSION)
SPARK_MASTER ?= local[2]
SPARK_PARTITIONS ?= 4

.PHONY: report test build release deps bench screenshot pdf fuzz asan clean spark-venv spark-report spark-test

## Installs the system libraries when they are missing (fresh machine), as root or through sudo.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "rapport: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

release: deps
	$(SWIFT) build -c release --product rapport

build: deps
	$(SWIFT) build

## Builds in release mode, runs the weekly pipeline over fixtures/, prints where the report is.
report: release
	@.build/release/rapport run $(PIPELINE) --out $(REPORT_DIR)
	@echo "rapport: report in $(REPORT_DIR)/ (report.html, rapport.sqlite, report.json, trust_report.csv, metrics.csv, responses.csv, conversations.csv, rejects.csv, definitions.csv, attention.csv, partners.csv)"

## Unit, golden, property and end-to-end tests (the command-line tests need the built binary).
test: build
	$(SWIFT) test

## Throughput on generated exports (1 GB of e-mail, 500 MB of ticket XML; cached in Benchmarks/.data):
## wall time, MB/s and peak memory, beside gzip -dc, igzip -dc, xmllint --stream and DuckDB on the
## same files; instructions on 10 MB under callgrind (stable on a noisy machine).
bench: release
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) libxml2-utils isal python3-venv valgrind"
	@Benchmarks/run.sh $(BENCH_DATA)

## Renders out/weekly/report.html with headless Chromium (Debian package) to docs/report.png.
screenshot: report
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="chromium"
	@mkdir -p docs
	@chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1500 \
		--screenshot=docs/report.png "file://$(CURDIR)/$(REPORT_DIR)/report.html" 2>/dev/null
	@echo "rapport: screenshot in docs/report.png"

## Prints out/weekly/report.html to report.pdf beside it (A4, the page's print stylesheet) with
## headless Chromium (Debian package): the quarterly-review handout.
pdf: report
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="chromium"
	@chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$(CURDIR)/$(REPORT_DIR)/report.pdf" \
		"file://$(CURDIR)/$(REPORT_DIR)/report.html" 2>/dev/null
	@echo "rapport: handout in $(REPORT_DIR)/report.pdf"

## libFuzzer with AddressSanitizer on each parser for FUZZ_SECONDS seconds, seeded from the hostile
## corpus (Tests/RapportTests/HostileCorpus.swift). Findings are written to $(FUZZ_DIR)/crash-*;
## the target fails on the first one (Swift's backtracer is off: symbolicating a finding took minutes).
fuzz: deps
	$(SWIFT) build --package-path Tests/Fuzz -Xswiftc -sanitize=fuzzer,address
	@rm -rf $(FUZZ_DIR)/seeds && RAPPORT_WRITE_CORPUS=$(CURDIR)/$(FUZZ_DIR)/seeds $(SWIFT) test --filter writeTheCorpus > /dev/null
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$t; \
		echo "rapport: fuzzing $$t for $(FUZZ_SECONDS) s"; \
		SWIFT_BACKTRACE=enable=no Tests/Fuzz/.build/debug/rapport-fuzz $$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$t- -print_final_stats=1 $(FUZZ_DIR)/corpus-$$t $(FUZZ_DIR)/seeds/$$t 2>&1 \
			| grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' ; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

## A venv with pyspark (first use: about a minute) and Java 17 (Debian package) when missing.
spark-venv:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="openjdk-17-jre-headless"
	@test -x $(SPARK_VENV)/bin/python && $(SPARK_VENV)/bin/python -c 'import pyspark' 2>/dev/null || { \
		echo "rapport: creating $(SPARK_VENV) with pyspark $(PYSPARK_VERSION)"; \
		python3 -m venv $(SPARK_VENV) && $(SPARK_VENV)/bin/pip install -q pyspark==$(PYSPARK_VERSION); }

## The weekly report computed on Apache Spark (spark/rapport_spark.py; docs/spark.md):
## make spark-report PIPELINE=... REPORT_DIR=... SPARK_MASTER=local[2] SPARK_PARTITIONS=4
spark-report: release spark-venv
	@SPARK_LOCAL_IP=127.0.0.1 $(SPARK_VENV)/bin/python spark/rapport_spark.py $(PIPELINE) --out $(REPORT_DIR) \
		--master "$(SPARK_MASTER)" --partitions $(SPARK_PARTITIONS) --rapport .build/release/rapport 2> >(grep -v -E '^(WARNING: Using incubator|Using Spark.s default log4j|Setting default log level|To adjust logging level|.*NativeCodeLoader)' >&2)

## The Spark job against rapport run (byte-identical reports; retries, bad files, failures).
## Skipped, loudly, without Java.
spark-test: build
	@if ! command -v java >/dev/null 2>&1 && ! $(MAKE) --no-print-directory spark-venv; then \
		echo "!!! rapport: spark-test SKIPPED: no Java 17 (apt-get install openjdk-17-jre-headless) !!!"; exit 0; fi
	@$(MAKE) --no-print-directory spark-venv
	@RAPPORT_BINARY=$(CURDIR)/.build/debug/rapport SPARK_LOCAL_IP=127.0.0.1 $(SPARK_VENV)/bin/python spark/tests/test_spark.py 2>&1 \
		| grep -v -E '^(WARNING: Using incubator|Using Spark.s default log4j|Setting default log level|To adjust logging level|.*NativeCodeLoader)' ; \
		exit $${PIPESTATUS[0]}

## The unit tests under AddressSanitizer (and LeakSanitizer; XCTest's runner's own leaks suppressed).
asan: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt RAPPORT_MEMORY_BOUND_MIB=2048 \
		$(SWIFT) test --sanitize=address --scratch-path .build-asan

clean:
	rm -rf .build out
