# everyseat: the front door.
#
#   make            same as make build
#   make deps       install the Debian packages the build needs (scripts/install-deps)
#   make build      release build; the command line lands at build/bin/everyseat, the web front
#                   end at web/dist (scripts/build-web)
#   make test       every test, a sanitizer run of the spc tests, the fuzz run, the format check
#   make demo       SPC charts of real A&E data, then the demo organisation served on SQLite at
#                   http://127.0.0.1:8080 (demo-data/; Ctrl-C stops it, the data stays)
#   make bench      the speed benchmarks of spec section 9 (bench/run)
#   make load       load tests of the HTTP API on SQLite and PostgreSQL (bench/load; ~5 minutes)
#   make format     clang-format every C++ file in place
#   make format-check   list the C++ files clang-format would change (fails if any)
#   make clean      remove build/, demo-output/ and demo-data/
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

.PHONY: all deps build test demo bench load format format-check clean
# The targets share build/; never run two of them at once.
.NOTPARALLEL:

all: build

deps:
	bash scripts/install-deps

build: deps
	cmake --preset $(PRESET) $(PRESET_FLAGS)
	cmake --build --preset $(PRESET) -j$(JOBS)
	bash scripts/build-web

test:
	bash scripts/test

DEMO_DB := sqlite:demo-data/everyseat.db

# The chart demo, then the demo organisation (made once: a second start keeps the data and only
# prints the sign-ins again), then the server in the foreground.
demo: build
	$(EVERYSEAT) demo --data data/ae_attendances.csv --output demo-output
	@echo
	mkdir -p demo-data
	$(EVERYSEAT) seed-demo --db $(DEMO_DB) --data data/ae_attendances.csv
	@echo
	@echo "Starting the server: open http://127.0.0.1:8080 and sign in as one of the people above"
	@echo "(the API is under /api/v1; Ctrl-C stops the server, the data stays)."
	exec $(EVERYSEAT) serve --db $(DEMO_DB) --listen 127.0.0.1:8080

bench: build
	bash bench/run

load: build
	bash bench/load

format:
	bash scripts/format

format-check:
	bash scripts/format --check

clean:
	rm -rf build demo-output demo-data
