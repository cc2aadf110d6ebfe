# The one door: CI and people use the same targets.
GO       ?= go
REDOCLY  ?= npx --yes @redocly/cli@2.77.0
SPECTRAL ?= npx --yes @stoplight/spectral-cli@6.16.3
SPEC     := api/openapi.yaml
# A spec as conformance follow amends it: what follow writes must lint too.
FOLLOWED := conformance/follow/testdata/golden/webhooks-followed.yaml
# actionlint (with shellcheck for the run: scripts, when it is installed)
# lints the workflows; install-tools puts it in $(GOBIN_DIR).
ACTIONLINT_VERSION := v1.7.12
GOBIN_DIR  := $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)
ACTIONLINT ?= $(GOBIN_DIR)/actionlint
FUZZTIME ?= 20s
BENCHCOUNT ?= 6

.PHONY: all generate check-generate docs test lint lint-go lint-spec lint-workflows install-tools bench fuzz bench-har bench-exchange bench-mock bench-proxy bench-generate bench-peers check-peers

all: generate lint test

generate:
	$(GO) generate ./...

# Fails when the committed generated code is not what `go generate` makes.
check-generate: generate
	@git diff --exit-code --stat -- . || { echo "go generate ./... changed tracked files: commit the regenerated code"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- gen)" || { git status --short -- gen; echo "go generate ./... left new files"; exit 1; }

# Rewrites the generated parts of docs/ (the command reference from the
# help texts, the rule table from the catalogue) and the Go blocks of the
# README and docs/ from the files they show; the same tests fail without
# -update-docs when a page and its source differ.
docs:
	$(GO) test ./cmd/conformance -run TestDocsCommandReference -update-docs
	$(GO) test ./conformance -run TestDocsRuleTable -update-docs
	$(GO) test ./examples -run TestDocsGoBlocks -update-docs

test:
	$(GO) test -race ./...

lint: lint-go lint-spec lint-workflows

lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	$(GO) vet ./...

# redocly.yaml extends recommended-strict: the recommended rules with every
# warning raised to an error, so a warning fails the build too.
lint-spec:
	$(REDOCLY) lint $(SPEC) $(FOLLOWED)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=hint $(SPEC) $(FOLLOWED)

# Installs actionlint at the pinned version unless that version is there.
install-tools:
	@$(ACTIONLINT) -version 2>/dev/null | grep -qx '$(ACTIONLINT_VERSION)' || $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

# The workflows of this repository, and the one docs/drift-check.md gives
# a client project; actionlint reads action.yml where drift.yml uses it.
lint-workflows: install-tools
	$(ACTIONLINT) .github/workflows/*.yml examples/testdata/workflows/*.yml

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=$(BENCHCOUNT) ./...

fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

bench-har:
	bash scripts/bench-har.sh

bench-exchange:
	bash scripts/bench-exchange.sh

bench-mock:
	bash scripts/bench-mock.sh

bench-proxy:
	bash scripts/bench-proxy.sh

bench-generate:
	bash scripts/bench-generate.sh

# The engine beside kin-openapi and libopenapi-validator on GitHub's and
# Stripe's documents (bench/peers, a module of its own), and the HAR
# decoder beside encoding/json and a plain read; medians by benchstat.
# libopenapi-validator takes minutes to load each document, so its load is
# timed once.
BENCHOUT ?= /tmp
# The peers module (its own go.mod) still builds against the engine, and
# the engine makes no finding on an example kin-openapi passes. Not part of
# CI: compiling libopenapi-validator takes minutes on an empty build cache.
check-peers:
	cd bench/peers && $(GO) vet ./... && $(GO) test ./...

bench-peers:
	cd bench/peers && $(GO) test -run '^$$' -bench 'Exchange' -benchmem -count=$(BENCHCOUNT) | tee $(BENCHOUT)/bench-peers.txt
	cd bench/peers && $(GO) test -run '^$$' -bench 'Load/.*/(engine|kin-openapi)$$' -benchmem -count=$(BENCHCOUNT) | tee -a $(BENCHOUT)/bench-peers.txt
	cd bench/peers && $(GO) test -run '^$$' -bench 'Load/.*/libopenapi' -benchtime 1x -benchmem -count=1 | tee -a $(BENCHOUT)/bench-peers.txt
	$(GO) test -run '^$$' -bench 'Decoder' -benchmem -count=$(BENCHCOUNT) ./conformance/har/ | tee $(BENCHOUT)/bench-har-decoder.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@latest $(BENCHOUT)/bench-peers.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@latest $(BENCHOUT)/bench-har-decoder.txt
