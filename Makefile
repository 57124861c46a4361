# everyseat: the front door.
#
#   make            same as make build
#   make deps       install the Debian packages the build needs (scripts/install-deps)
#   make build      release build; the command line lands at build/bin/everyseat
#   make test       every test, a sanitizer run of the spc tests, the fuzz run, the format check
#   make demo       SPC charts and a summary table for a handful of trusts (real A&E data)
#   make bench      the speed benchmarks of spec section 9 (bench/run)
#   make format     clang-format every C++ file in place
#   make format-check   list the C++ files clang-format would change (fails if any)
#   make clean      remove build/ and demo-output/
#
# With CI=true the build uses the `ci` preset (warnings are errors); otherwise `release`. Both
# build into build/. JOBS sets the build parallelism (default 2: the project's machines have two
# cores).

SHELL := /bin/bash
JOBS ?= 2
export JOBS  # scripts/test and bench/run read it too

ifeq ($(CI),true)
  PRESET := ci
  PRESET_FLAGS :=
else
  PRESET := release
  # Both presets share build/: set -Werror back off after a CI-style build.
  PRESET_FLAGS := -DEVERYSEAT_WERROR=OFF
endif

EVERYSEAT := build/bin/everyseat

.PHONY: all deps build test demo bench format format-check clean
# The targets share build/; never run two of them at once.
.NOTPARALLEL:

all: build

deps:
	bash scripts/install-deps

build: deps
	cmake --preset $(PRESET) $(PRESET_FLAGS)
	cmake --build --preset $(PRESET) -j$(JOBS)

test:
	bash scripts/test

demo: build
	$(EVERYSEAT) demo --data data/ae_attendances.csv --output demo-output

bench: build
	bash bench/run

format:
	bash scripts/format

format-check:
	bash scripts/format --check

clean:
	rm -rf build demo-output
