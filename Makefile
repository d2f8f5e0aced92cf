# Makefile: a thin wrapper over CMake.
#
#   make demo    set up, build, then run witc on the bundled vtx:api package
#   make test    set up, then the whole test suite (tests/run_all.sh)
#   make build   configure and build into build/ (gcc)
#   make clean   remove every build directory
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

demo: setup
	@$(MAKE) --no-print-directory build
	@bash scripts/demo.sh $(BUILD)/witc

test: setup
	@bash tests/run_all.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf build build-clang build-asan
