# glasspc: a thin layer over CMake + Ninja. `make run` and `make test` are all a newcomer needs.
.PHONY: all deps build test run bench bench-cpu bench-linux debug asan clean help

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# WERROR=1 makes warnings errors (CI does this); when not given, the build keeps its cached setting.
WERROR ?=
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=Release \
  $(if $(WERROR),-DGLASSPC_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF))
# Arguments for `make run`, appended to the default guest's command line.
ARGS ?=

all: build

help:
	@echo "make run    install dependencies, build, boot the default guest"
	@echo "make test   install dependencies, build, run every test"
	@echo "make deps | build | bench | bench-cpu | bench-linux | debug | asan | clean"

deps:
	@./tools/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

run: build
	@./tools/run-default-guest.sh $(BUILD_DIR) $(ARGS)

bench: build
	@./bench/run.sh $(BUILD_DIR)

bench-cpu: build
	@./bench/cpu/run.sh $(BUILD_DIR)

bench-linux: build
	@./bench/linux/run.sh $(BUILD_DIR)

debug: deps
	cmake -S . -B build-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-debug -j $(JOBS)

asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLASSPC_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) --timeout 900

clean:
	rm -rf $(BUILD_DIR) build-debug build-asan
