# The one door: CI and people use the same targets.
GO       ?= go
REDOCLY  ?= npx --yes @redocly/cli@2.77.0
SPECTRAL ?= npx --yes @stoplight/spectral-cli@6.16.3
SPEC     := api/openapi.yaml
# A spec as conformance follow amends it: what follow writes must lint too.
FOLLOWED := conformance/follow/testdata/golden/webhooks-followed.yaml
FUZZTIME ?= 20s
BENCHCOUNT ?= 6

.PHONY: all generate check-generate test lint lint-go lint-spec bench fuzz bench-har bench-mock bench-proxy

all: generate lint test

generate:
	$(GO) generate ./...

# Fails when the committed generated code is not what `go generate` makes.
check-generate: generate
	@git diff --exit-code --stat -- . || { echo "go generate ./... changed tracked files: commit the regenerated code"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- gen)" || { git status --short -- gen; echo "go generate ./... left new files"; exit 1; }

test:
	$(GO) test -race ./...

lint: lint-go lint-spec

lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	$(GO) vet ./...

# redocly.yaml extends recommended-strict: the recommended rules with every
# warning raised to an error, so a warning fails the build too.
lint-spec:
	$(REDOCLY) lint $(SPEC) $(FOLLOWED)
	$(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity=hint $(SPEC) $(FOLLOWED)

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

bench-mock:
	bash scripts/bench-mock.sh

bench-proxy:
	bash scripts/bench-proxy.sh
