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

# Every decoder of outside input is fuzzed for a bounded time on each run,
# starting from the corpus committed under testdata/fuzz.
FUZZTIME ?= 10s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeOps$$' -fuzztime $(FUZZTIME) ./board/
	$(GO) test -run '^$$' -fuzz '^FuzzCleanLabel$$' -fuzztime $(FUZZTIME) ./board/
	$(GO) test -run '^$$' -fuzz '^FuzzWirePoints$$' -fuzztime $(FUZZTIME) ./board/
	$(GO) test -run '^$$' -fuzz '^FuzzClientFrame$$' -fuzztime $(FUZZTIME) ./session/
	$(GO) test -run '^$$' -fuzz '^FuzzExportResume$$' -fuzztime $(FUZZTIME) ./session/
	$(GO) test -run '^$$' -fuzz '^FuzzParseImport$$' -fuzztime $(FUZZTIME) ./export/

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

# The load scenarios S1–S10 (S7 when Redis answers), generator and server
# side by side, then the Go benchmarks of the hot paths. The load run
# rewrites its section of docs/performance.md and docs/load-chart.svg.
bench: bench-load bench-go

bench-load: build
	$(GO) build -o bin/easel-load ./cmd/easel-load
	./bin/easel-load -bin bin/easel -doc docs/performance.md -json docs/load.json

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./session/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 10000x -count 3 ./store/ ./board/

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin $(E2E_DIR)/test-results $(E2E_DIR)/playwright-report
