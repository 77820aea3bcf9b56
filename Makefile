# Amparo: the two commands a newcomer needs are `make run` and `make test`.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
GOCYCLO_VERSION ?= v0.6.0
GOVULNCHECK_VERSION ?= v1.9.0
# The Go vulnerability database govulncheck reads; a file:// copy checks
# offline (empty: the public one).
VULNDB ?=
# How long `make fuzz` runs each fuzz target.
FUZZTIME ?= 10s
GOBIN ?= $(shell $(GO) env GOPATH)/bin
STATICCHECK := $(GOBIN)/staticcheck
GOCYCLO := $(GOBIN)/gocyclo
GOVULNCHECK := $(GOBIN)/govulncheck
# No function outside tests more tangled than this (ARCHITECTURE.md).
MAX_COMPLEXITY ?= 30
DATA ?= ./amparo-data
ADDR ?= 127.0.0.1:8080

.PHONY: build run test vet staticcheck complexity vulncheck fuzz bench loadtest clean

build:
	$(GO) build -o amparo ./cmd/amparo

# Build and start the server on an embedded SQLite database in ./amparo-data,
# with demo data and one demo account per role.
run: build
	./amparo serve --data $(DATA) --addr $(ADDR) --demo

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

vet:
	@unformatted=$$(gofmt -l cmd internal); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

$(GOCYCLO):
	$(GO) install github.com/fzipp/gocyclo/cmd/gocyclo@$(GOCYCLO_VERSION)

complexity: $(GOCYCLO)
	@over=$$($(GOCYCLO) -over $(MAX_COMPLEXITY) -ignore '_test' cmd internal); \
	  if [ -n "$$over" ]; then echo "cyclomatic complexity over $(MAX_COMPLEXITY):"; echo "$$over"; exit 1; fi

$(GOVULNCHECK):
	$(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

# Known vulnerabilities in the modules and the Go release that this code
# actually calls. Found ones fail; an unreachable database (no network)
# only warns, loudly, since nothing can be checked then.
vulncheck: $(GOVULNCHECK)
	@out=$$($(GOVULNCHECK) $(if $(VULNDB),-db $(VULNDB)) ./... 2>&1); rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "govulncheck: no known vulnerability reaches this code"; \
	  elif [ $$rc -ne 3 ] && echo "$$out" | grep -q 'fetching vulnerabilities'; then \
	    echo "*** WARNING: govulncheck SKIPPED: the vulnerability database is unreachable; set VULNDB=file:///path/to/a/copy to check offline ***"; \
	    echo "$$out" | tail -n 1; \
	  else echo "$$out"; exit $$rc; fi

# go vet, staticcheck, the complexity bound, then every test with the race
# detector on SQLite and, when a PostgreSQL server is reachable
# (AMPARO_TEST_DATABASE_URL) or installed (a throwaway cluster is started),
# on PostgreSQL too.
test: vet staticcheck complexity vulncheck
	@if [ -z "$$AMPARO_TEST_DATABASE_URL" ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
	  echo "*** WARNING: PostgreSQL tests will be SKIPPED: set AMPARO_TEST_DATABASE_URL or apt-get install postgresql ***"; fi
	@command -v chromium >/dev/null 2>&1 || echo "*** WARNING: browser tests will be SKIPPED: apt-get install chromium ***"
	@command -v xmllint >/dev/null 2>&1 || echo "*** WARNING: IATI schema validation tests will be SKIPPED: apt-get install libxml2-utils ***"
	$(GO) test -race -count=1 -timeout 45m ./...

# Every fuzz target (testing.F) over outside input: package:Function. A
# test (cmd/amparo/fuzzlist_test.go) fails when one is missing here.
FUZZ_TARGETS = \
	./internal/web:FuzzDecodeJSON \
	./internal/web:FuzzWriteRoutes \
	./internal/children/custody:FuzzImportCases \
	./internal/indicators:FuzzImport \
	./internal/indicators:FuzzImportWorkbook \
	./internal/indicators:FuzzWorkbookCells \
	./internal/tracing:FuzzReadCSV \
	./internal/tracing:FuzzReadModel \
	./internal/legal:FuzzImportProviders \
	./internal/aid:FuzzIATIDecode

# Runs each fuzz target for FUZZTIME (make fuzz FUZZTIME=2m for longer).
# A new interesting input is minimised for at most 200 runs, so that a
# short run fuzzes rather than minimises. A failing input is written to
# the package's testdata/fuzz/ and becomes a test case once committed.
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "== $$fn in $$pkg for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x $$pkg; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

# 50 concurrent clients against a server on loopback, on SQLite and on a
# throwaway PostgreSQL cluster: search, create and a mix, 30 s each; exits
# non-zero on a failed request, a lost write or a broken audit chain.
# LOADTEST_FLAGS="--duration 5s --engines sqlite" for a quick look.
loadtest: build
	./amparo loadtest $(LOADTEST_FLAGS)

clean:
	rm -f amparo
