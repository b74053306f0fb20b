# opus — see README.md. Pure Go: CGO_ENABLED=0 everywhere.
export CGO_ENABLED := 0
GO       ?= go
BIN      := bin/opus
PKGS     := ./...
LINT_VER := v2.15.0

# 'opus version' from git when there is a checkout (go's own VCS stamping is
# often off: GOFLAGS=-buildvcs=false); release builds stamp it in goreleaser.
PKG      := github.com/opusblocks/opus/internal/cli
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE     ?= $(shell git log -1 --format=%cI 2>/dev/null)
LDFLAGS  := -X $(PKG).Version=$(VERSION) -X $(PKG).Commit=$(COMMIT) -X $(PKG).Date=$(DATE)

.PHONY: build install test lint bench hooks demo clean fmt fuzz

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/opus

# Into $(go env GOBIN), else $(go env GOPATH)/bin, which should be on PATH.
install:
	$(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/opus

# What .ci/run runs. Postgres tests need OPUS_TEST_POSTGRES (.ci/run sets it).
test:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed on:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 20m $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	@command -v golangci-lint >/dev/null || $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(LINT_VER)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" golangci-lint run $(PKGS)

bench:
	bash scripts/bench.sh

# Each fuzz target for FUZZTIME (go test -fuzz takes one package and one
# target at a time), then the mutation property test on 2000 mutations with
# a fresh seed (it logs the seed to rerun a failure with OPUS_PROPERTY_SEED).
# `make test` runs the seed corpora (testdata/fuzz/) and 60 mutations.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzSpecParse$$' -fuzztime=$(FUZZTIME) ./internal/spec/
	$(GO) test -run='^$$' -fuzz='^FuzzNumbers$$' -fuzztime=$(FUZZTIME) ./internal/textnorm/
	$(GO) test -run='^$$' -fuzz='^FuzzFindQuote$$' -fuzztime=$(FUZZTIME) ./internal/textnorm/
	$(GO) test -run='^$$' -fuzz='^FuzzParseEdited$$' -fuzztime=$(FUZZTIME) ./internal/service/
	OPUS_PROPERTY_N=2000 OPUS_PROPERTY_SEED=$$(date +%s) $(GO) test -count=1 -run='^TestMutatedSentencesNeverVerifyOtherThanShown$$' -v ./internal/service/

hooks:
	install -m 0755 scripts/pre-commit .git/hooks/pre-commit
	@echo "installed .git/hooks/pre-commit (gofmt, go vet, short tests)"

# The main job on a bundled real paper, offline, in a throw-away data directory.
demo: build
	bash scripts/demo.sh

clean:
	rm -rf bin dist .demo
