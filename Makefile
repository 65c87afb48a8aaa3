# Easel — the two commands a newcomer needs:
#   make run    serve Easel on :8080 with the embedded store (no other service)
#   make test   every test: Go (with -race) and Playwright in Debian's Chromium
GO      ?= go
BIN     := bin/easel
E2E_DIR := e2e
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: build run test test-go fuzz test-js e2e test-deps lint bench bench-load bench-go clean

build:
	$(GO) build -o $(BIN) .

# Flags and EASEL_* variables pass through, e.g. make run ARGS="--addr :9000".
run: build
	./$(BIN) $(ARGS)

test: test-go fuzz test-js e2e

# Every decoder of outside input is fuzzed for a bounded number of runs on
# each run of the tests, starting from the corpus committed under
# testdata/fuzz. The bounds are counts (about 5 s each on 2 cores), not
# durations: with -fuzztime 10s, Go 1.26's fuzz coordinator can fail a
# target with a bare "context deadline exceeded" at the deadline when its
# workers are short of CPU (go.dev/issue/75804, fixed in Go 1.27), which
# failed CI once with no failing input. FUZZ_SCALE multiplies them all
# (make fuzz FUZZ_SCALE=20 for a longer hunt).
FUZZ_SCALE ?= 1
fuzz1 = $(GO) test -run '^$$' -fuzz '^$(1)$$' -fuzztime $$(( $(2) * $(FUZZ_SCALE) ))x $(3)
fuzz:
	$(call fuzz1,FuzzDecodeOps,150000,./board/)
	$(call fuzz1,FuzzCleanLabel,70000,./board/)
	$(call fuzz1,FuzzWirePoints,150000,./board/)
	$(call fuzz1,FuzzClientFrame,40000,./session/)
	$(call fuzz1,FuzzExportResume,15000,./session/)
	$(call fuzz1,FuzzParseImport,300,./export/)

test-go: test-deps
	GO=$(GO) ./scripts/go-test.sh ./...

# The front end's pure modules, with Node's own test runner.
test-js:
	node --test static/test/

e2e: build test-deps
	cd $(E2E_DIR) && EASEL_BIN=$(abspath $(BIN)) npx playwright test

# What a fresh machine lacks for the tests: Debian's Chromium and the e2e
# npm packages (the browser npm would download does not work here).
test-deps:
	@./scripts/test-deps.sh

# The load scenarios S1–S12 (S7 when Redis answers), generator and server
# side by side, S1, S2 and S12 also on the naive melody relay
# (cmd/naive-relay, issue 18's baseline), then the Go benchmarks of the hot
# paths. The load run rewrites its section of docs/performance.md and
# docs/load-chart.svg. BENCH_ARGS pass through. By default the servers
# run alone on CPU 0 and the generator on the other cores (issue 18: on a
# shared 2-core machine the generator's load was the server's latency);
# make bench BENCH_ARGS= runs them unpinned.
BENCH_ARGS ?= -server-cpus 0
bench: bench-load bench-go

bench-load: build
	$(GO) build -o bin/easel-load ./cmd/easel-load
	$(GO) build -o bin/naive-relay ./cmd/naive-relay
	./bin/easel-load -bin bin/easel -relay-bin bin/naive-relay -doc docs/performance.md -json docs/load.json $(BENCH_ARGS)

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./session/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 10000x -count 3 ./store/ ./board/

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin $(E2E_DIR)/test-results $(E2E_DIR)/playwright-report
