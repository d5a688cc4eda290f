# confab: two commands on a fresh Debian/Ubuntu machine.
#   make demo   installs what is missing, builds, and starts a live demo call
#   make test   installs what is missing (incl. PulseAudio and tmux), vets and runs every test

SHELL := /bin/bash
BIN   := bin/confab
GO    ?= go
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin

# Debian packages: the build needs gcc/g++, pkg-config, libopus and the two
# echo cancellers (speexdsp, WebRTC audio processing); the tests also need
# PulseAudio (virtual devices) and tmux (the terminal).
BUILD_PKGS := gcc g++ libc6-dev pkg-config libopus-dev libopusfile-dev libspeexdsp-dev libwebrtc-audio-processing-dev
TEST_PKGS  := $(BUILD_PKGS) pulseaudio pulseaudio-utils tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test fuzz build deps test-deps check-go vet fmt-check clean

demo: deps build
	./$(BIN) demo

build: check-go
	$(GO) build -o $(BIN) .

# Test binaries are built in parallel, then the packages run one at a time
# (-p 1): the real-time audio tests (PulseAudio devices, paced playback)
# must not be starved of CPU by another package's suite on a 2-core machine.
test: test-deps check-go fmt-check vet
	$(GO) test -race -count=1 -run '^$$' ./... >/dev/null
	$(GO) test -race -count=1 -p 1 -timeout 20m ./...
	$(MAKE) --no-print-directory fuzz

# Each fuzz target runs for FUZZTIME (the seed corpora in testdata/fuzz run
# with the ordinary tests too). A crasher is written to
# PKG/testdata/fuzz/TARGET/ and fails the run: fix the code, keep the file.
# Longer runs: make fuzz FUZZTIME=5m
FUZZTIME ?= 15s
FUZZ_TARGETS := ./signal:FuzzDecode ./config:FuzzParse ./audio:FuzzJitterBuffer ./server:FuzzForwardHeaderExtensions

fuzz: check-go
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) $${t%%:*} || exit 1; \
	done

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

deps:
	@./scripts/apt-ensure $(BUILD_PKGS)

test-deps:
	@./scripts/apt-ensure $(TEST_PKGS)

check-go:
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.26 or newer from https://go.dev/dl and put it on PATH"; exit 1; }

clean:
	rm -rf bin
