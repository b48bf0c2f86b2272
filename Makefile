# podml's entry points. Each target installs what it needs (Debian packages),
# configures and builds, so a fresh clone needs nothing else.
JOBS ?= $(shell nproc)
CMAKE ?= cmake

.PHONY: deps configure build test demo asan bench clean

deps:
	bash scripts/install-deps.sh

configure: deps
	$(CMAKE) --preset default

build: configure
	$(CMAKE) --build --preset default -j $(JOBS)

test: build
	ctest --preset default -j $(JOBS)

demo: configure
	$(CMAKE) --build --preset default -j $(JOBS) --target podml-demo
	./build/default/examples/podml-demo

asan: deps
	$(CMAKE) --preset asan
	$(CMAKE) --build --preset asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j $(JOBS)

bench: deps
	$(CMAKE) --preset release
	$(CMAKE) --build --preset release -j $(JOBS) --target podml-bench-collections podml-bench-io
	./build/release/bench/podml-bench-collections
	./build/release/bench/podml-bench-io --python /usr/bin/python3

clean:
	rm -rf build
