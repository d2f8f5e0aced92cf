# Makefile: a thin wrapper over CMake.
#
#   make demo    set up, build, then the bundled vtx:api package end to end: check it, generate
#                its C bindings, build examples/vtx-plugin into a component and run it
#                (scripts/demo.sh; output in $(BUILD)/demo)
#   make test    set up, then the whole test suite (tests/run_all.sh)
#   make build   configure and build into build/ (gcc)
#   make clean   remove every build directory (build, build-clang, build-asan, build-bench*)
#
# Both demo and test first run scripts/setup.sh, which installs missing Debian packages.
JOBS ?= 2
BUILD ?= build
CC_MAIN ?= gcc
CMAKE_FLAGS ?=

.PHONY: all build demo test setup clean install

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(CC_MAIN) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The build's own output is shown only when it fails: the demo's output is the demo.
demo: setup
	@echo "make demo: building $(BUILD)/witc (cmake; its output is shown only when it fails)"
	@log=$$(mktemp); \
	if $(MAKE) --no-print-directory build >"$$log" 2>&1; then rm -f "$$log"; \
	else cat "$$log"; rm -f "$$log"; echo "make demo: the build failed" >&2; exit 1; fi
	@bash scripts/demo.sh $(BUILD)/witc $(BUILD)/demo

test: setup
	@bash tests/run_all.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf build build-clang build-asan build-bench*

# make bench: speed and memory of witc against the issue-09 budget (a Release build in
# build-bench/, generated 1/8/32 MiB inputs; prints tables and updates bench/results.md).
.PHONY: bench
bench:
	@bash bench/run.sh
