# gongload — build, test, demo. DuckDB's Arrow bridge needs the duckdb_arrow
# build tag on every go command that builds, tests or vets code linking DuckDB.
GO       ?= go
TAGS     := duckdb_arrow
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/gongload/gongload/internal/cli.Version=$(VERSION)
# Pure-Go packages, tested with the race detector.
RACE_PKGS := ./extract/... ./load/internal/commitq/... ./internal/gongsim/... ./internal/plan/... ./internal/secret/... ./internal/auth/... ./internal/config/... ./models/...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build test demo lint vet clean fuzz

all: build

build:
	$(GO) build -tags=$(TAGS) -ldflags "$(LDFLAGS)" -o bin/gongload .

vet:
	$(GO) vet -tags=$(TAGS) ./...

test: vet
	$(GO) test -race -count=1 $(RACE_PKGS)
	$(GO) test -tags=$(TAGS) -count=1 ./...

demo: build
	bin/gongload demo

lint: vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) run $(STATICCHECK) -tags=$(TAGS) ./...

# Every fuzz target for FUZZTIME each (not in CI); corpora are committed under testdata/fuzz.
FUZZTIME  ?= 30s
FUZZ_PKGS := ./extract ./internal/config ./internal/plan
fuzz:
	@for pkg in $(FUZZ_PKGS); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Soak (not in CI): a backfill under every simulator fault with the binary
# SIGKILLed at random moments and restarted; prints one JSON line, fails when
# the final contents differ from a fault-free backfill. SOAKFLAGS e.g. -kills 20.
SOAKFLAGS ?=
.PHONY: soak
soak: build
	$(GO) run -tags=$(TAGS) ./internal/soak $(SOAKFLAGS)

# Benchmarks (not in CI): JSON lines of figures; never fails on a number.
# BENCHFLAGS e.g. -scale 0.1 for a smoke run, -only backfill_duckdb, -runs 1.
BENCHFLAGS ?=
.PHONY: bench
bench: build
	$(GO) run -tags=$(TAGS) ./internal/bench $(BENCHFLAGS)

clean:
	rm -rf bin demo.duckdb demo.duckdb.wal
