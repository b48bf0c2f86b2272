# podml's entry points. Each target installs what it needs (Debian packages),
# configures and builds, so a fresh clone needs nothing else.
JOBS ?= $(shell nproc)
CMAKE ?= cmake

.PHONY: deps configure build test demo asan bench bench-podio bench-podio-build fuzz clean

deps:
	bash scripts/install-deps.sh

configure: deps
	$(CMAKE) --preset default

build: configure
	$(CMAKE) --build --preset default -j $(JOBS)

test: build
	ctest --preset default -j $(JOBS)

# The whole product on toy data: events -> C++ training -> ONNX + card -> check ->
# inference -> ROC curve and score pictures in demo/ (examples/demo.sh).
demo: configure
	$(CMAKE) --build --preset default -j $(JOBS) --target podml podml_python
	bash examples/demo.sh build/default demo

asan: deps
	$(CMAKE) --preset asan
	$(CMAKE) --build --preset asan -j $(JOBS)
	# fuzz/lsan.supp: libhdf5's own leaks when it fails on a corrupt file (not podml's).
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp ctest --preset asan -j $(JOBS)

# The threaded tests under ThreadSanitizer. ONNX Runtime and the other prebuilt libraries
# are not instrumented; tsan.supp lists (and explains) what is suppressed inside them.
TSAN_TESTS ?= ManyThreads|Threads|threads
tsan: deps
	$(CMAKE) --preset tsan
	$(CMAKE) --build --preset tsan -j $(JOBS)
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tsan.supp" \
		ctest --preset tsan -R "$(TSAN_TESTS)" --no-tests=error

# Every benchmark (release build), each printing its own tables; their results also go as
# JSON lines into $(BENCH_REPORT), which scripts/bench-report.py turns into one markdown
# table, $(BENCH_DIR)/report.md (docs/performance.md). A benchmark that fails does not stop
# the others; make bench fails at the end, after the report. Sizes: override from the
# environment or the command line, e.g. `make bench BENCH_IO_EVENTS=20000`.
BENCH_COLLECTIONS_N ?= 10000000
BENCH_COLLECTIONS_REPS ?= 5
BENCH_IO_EVENTS ?= 100000
BENCH_IO_COMPRESSION_EVENTS ?= 20000
BENCH_IO_REPS ?= 5
BENCH_ONNX_REPS ?= 7
BENCH_ONNX_OBJECTS ?= 200000
BENCH_STRUCTURED_EVENTS ?= 200
BENCH_STRUCTURED_REPS ?= 5
BENCH_TRAIN_EVENTS ?= 20000
BENCH_TRAIN_EPOCHS ?= 5
BENCH_TRAIN_JETS_EVENTS ?= 10000
BENCH_DIR := build/release/bench
BENCH_REPORT := $(BENCH_DIR)/report.jsonl
# Real podio as the collections baseline (bench/podio/, docs/performance.md): podio's source
# archive, built into $(PODIO_ANCHOR_DIR) by bench-podio. Never part of the product, its build or
# its tests. Without the archive bench-podio says so and make bench runs without the podio column.
PODIO_ARCHIVE ?= ../shared/anchors/podio-32b44e8.tar.gz
PODIO_ANCHOR_DIR := build/release/podio-anchor
PODIO_JOBS ?= $(shell n=$$(nproc); [ $$n -gt 2 ] && echo 2 || echo $$n)
bench-podio: deps
	$(CMAKE) --preset release
	@$(MAKE) --no-print-directory bench-podio-build
bench-podio-build:
	@rc=0; bash bench/podio/build.sh "$(PODIO_ARCHIVE)" build/release $(PODIO_ANCHOR_DIR) $(PODIO_JOBS) || rc=$$?; \
	  if [ $$rc -eq 3 ]; then rm -f $(PODIO_ANCHOR_DIR)/podio-bench-collections; exit 0; fi; exit $$rc

bench: deps
	$(CMAKE) --preset release
	@$(MAKE) --no-print-directory bench-podio-build || echo "make bench: building podio failed: the collections benchmark runs without podio"
	$(CMAKE) --build --preset release -j $(JOBS) --target podml-bench-collections podml-bench-generate podml-bench-io podml-bench-onnx podml-bench-structured podml-bench-train podml-bench-startup podml podml_python
	@rm -f $(BENCH_REPORT); failed=""; \
	run() { name=$$1; shift; echo "+ $$* --report $(BENCH_REPORT)"; "$$@" --report $(BENCH_REPORT); rc=$$?; \
	  if [ $$rc -ne 0 ]; then failed="$$failed podml-bench-$$name"; \
	    echo "{\"bench\": \"$$name\", \"kind\": \"exit\", \"status\": $$rc}" >> $(BENCH_REPORT); fi; }; \
	run collections ./$(BENCH_DIR)/podml-bench-collections --n $(BENCH_COLLECTIONS_N) --reps $(BENCH_COLLECTIONS_REPS) \
	  --podio ./$(PODIO_ANCHOR_DIR)/podio-bench-collections; \
	run generate ./$(BENCH_DIR)/podml-bench-generate; \
	run io ./$(BENCH_DIR)/podml-bench-io --python /usr/bin/python3 --events $(BENCH_IO_EVENTS) \
	  --compression-events $(BENCH_IO_COMPRESSION_EVENTS) --reps $(BENCH_IO_REPS); \
	run onnx ./$(BENCH_DIR)/podml-bench-onnx --reps $(BENCH_ONNX_REPS) --objects $(BENCH_ONNX_OBJECTS); \
	mkdir -p $(BENCH_DIR)/models && PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 tests/python/structured_models.py $(BENCH_DIR)/models; \
	run structured ./$(BENCH_DIR)/podml-bench-structured --models $(BENCH_DIR)/models --events $(BENCH_STRUCTURED_EVENTS) \
	  --reps $(BENCH_STRUCTURED_REPS); \
	run train ./$(BENCH_DIR)/podml-bench-train --events $(BENCH_TRAIN_EVENTS) --epochs $(BENCH_TRAIN_EPOCHS); \
	run train-jets ./$(BENCH_DIR)/podml-bench-train --task jets --events $(BENCH_TRAIN_JETS_EVENTS) --epochs $(BENCH_TRAIN_EPOCHS); \
	./build/release/cli/podml toy -q -n 1000 -o $(BENCH_DIR)/startup.h5; \
	run startup ./$(BENCH_DIR)/podml-bench-startup --podml build/release/cli/podml --file $(BENCH_DIR)/startup.h5; \
	/usr/bin/python3 scripts/bench-report.py $(BENCH_REPORT) -o $(BENCH_DIR)/report.md || failed="$$failed bench-report.py"; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed (the report says what)"; exit 1; fi

# The reader's libFuzzer target under ASan+UBSan (clang 14), run for FUZZ_SECONDS;
# fails on any finding outside the known HDF5 class (fuzz/README.md).
FUZZ_SECONDS ?= 600
fuzz: deps
	bash scripts/install-fuzz-deps.sh
	$(CMAKE) -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DPODML_BUILD_FUZZ=ON -DPODML_BUILD_TESTS=OFF -DPODML_BUILD_BENCH=OFF
	$(CMAKE) --build build/fuzz -j $(JOBS) --target podml-fuzz-reader
	bash fuzz/run.sh build/fuzz/fuzz/podml-fuzz-reader $(FUZZ_SECONDS) build/fuzz/run

clean:
	rm -rf build
