# regionmm top-level Makefile: wraps Kbuild (out-of-tree module builds for
# each kernel of the matrix) and the project scripts (kernels, guest runner,
# tests, demo).  See README.md and Documentation/testing.rst.
#
#   make deps                      install missing Debian packages
#   make module [KERNEL=k] [KDIR=d] [W=1] [C=1]
#                                  build regionmm.ko and the test modules
#                                  into build/<kernel>/
#   make testmods [KERNEL=k]       only the test modules (selftests/modules)
#   make kernels                   fetch/build debian-6.1, debian-6.12, debug
#   make preload                   rmm-run's LD_PRELOAD library into
#                                  build/rmm/librmm_preload.so, and the
#                                  rmm-swap tool into build/rmm/rmm-swap
#   make check                     all tests (host + guest on every kernel)
#   make demo | shell | bench | host | clean

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# Kernel of the matrix to build for: debian-6.1, debian-6.12 or debug.
KERNEL ?= debian-6.12
# KDIR given without KERNEL: an arbitrary tree, built into build/custom/.
ifeq ($(origin KDIR)-$(origin KERNEL),command line-file)
BUILD_NAME := custom
else
BUILD_NAME := $(KERNEL)
endif
BUILD := $(CURDIR)/build/$(BUILD_NAME)

# Guest RAM runs from 0 to --mem (below 3 GiB with -M pc); SeaBIOS puts the
# ACPI tables in the last 128 KiB, so the region must end below the top:
# with 2G, 512M@0x40000000 (0x40000000-0x5fffffff) is plain RAM.
DEMO_MEM    := 2G
DEMO_REGION := 512M@0x40000000
DEMO_APPEND := memmap=512M$$0x40000000
DEMO_SWAP   := 1G

.PHONY: all deps module testmods kernels preload check demo shell bench host clean help

all: module

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' Makefile

deps:
	@scripts/deps

# The module build (see scripts/lib/build-module.sh): regionmm.ko and the
# test modules into build/<kernel>/ and build/<kernel>/selftests/modules/.
module: deps
	@scripts/lib/build-module.sh '$(BUILD_NAME)' '$(KDIR)' '$(BUILD)' all

# Only the test modules of selftests/modules (no regionmm.ko).
testmods: deps
	@scripts/lib/build-module.sh '$(BUILD_NAME)' '$(KDIR)' '$(BUILD)' tests

kernels: deps
	@scripts/kernel fetch all

# rmm-run's preload library (src/user): jemalloc underneath, a program of its
# own too (it probes the backend when run; see src/user/rmm_preload.c).
PRELOAD     := build/rmm/librmm_preload.so
# src/user/rmm-swap.c is a program of its own (below), not part of the library
PRELOAD_SRC := $(filter-out src/user/rmm-swap.c,$(wildcard src/user/*.c))
PRELOAD_CFLAGS := -std=gnu11 -O2 -g -fPIC -fvisibility=hidden -fno-builtin \
	-Wall -Wextra -Werror -Wno-unused-parameter -Iinclude/uapi

# build/rmm/guest/: what a guest test copies to / for rmm-run (vm-run --add
# build/rmm/guest:/): the library, rmm-run, and python3's encodings package
# (python3 -S starts with only that: the rest of its startup is frozen in).
PY_ENC := $(firstword $(wildcard /usr/lib/python3.*/encodings))

# rmm-swap: swapon/swapoff of regionmm's swap devices (Documentation/swap.rst)
RMM_SWAP := build/rmm/rmm-swap

preload: $(PRELOAD) $(RMM_SWAP) build/rmm/guest/.stamp

$(RMM_SWAP): src/user/rmm-swap.c include/uapi/linux/regionmm.h | deps
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude/uapi -o $@ $<

build/rmm/guest/.stamp: $(PRELOAD) $(RMM_SWAP) scripts/rmm-run
	@rm -rf $(@D) && mkdir -p $(@D)/usr/local/lib/regionmm $(@D)/usr/local/bin
	@cp $(PRELOAD) $(@D)/usr/local/lib/regionmm/
	@cp scripts/rmm-run $(RMM_SWAP) $(@D)/usr/local/bin/
	@$(if $(PY_ENC),mkdir -p $(@D)$(dir $(PY_ENC)) && \
		cp -r $(PY_ENC) $(@D)$(dir $(PY_ENC)))
	@touch $@

$(PRELOAD): $(PRELOAD_SRC) include/uapi/linux/regionmm.h | deps
	@mkdir -p $(@D)
	$(CC) $(PRELOAD_CFLAGS) -shared -Wl,-e,rmm_preload_main -Wl,-z,now \
		-o $@ $(PRELOAD_SRC) -ljemalloc

check: deps preload
	@selftests/run

# The demo's swap device: a sparse disk image (only what the guest writes
# takes space); the guest tools (rmm_pressure, rmm-swap) drive the pressure.
demo: deps preload
	@$(MAKE) --no-print-directory -C selftests/guest/tools >/dev/null
	@scripts/vm-run --quiet --kernel '$(KERNEL)' --mem $(DEMO_MEM) \
		--append '$(DEMO_APPEND)' --env 'RMM_REGION=$(DEMO_REGION)' \
		--disk $(DEMO_SWAP) \
		--add scripts/demo-guest.sh --add build/rmm/guest/usr:/usr \
		--add build/guest-tools:/usr/local/bin \
		--bin /usr/bin/python3 --env PYTHONHOME=/usr \
		-- sh /host/demo-guest.sh

shell: deps
	@scripts/vm-run --kernel '$(KERNEL)' --mem $(DEMO_MEM) \
		--append '$(DEMO_APPEND)' --env 'RMM_REGION=$(DEMO_REGION)' \
		$(if $(wildcard scripts/demo-guest.sh),--add scripts/demo-guest.sh)

# Hook: others provide scripts/bench.
bench: deps
	@if [[ -x scripts/bench ]]; then scripts/bench; \
	else echo "make bench: scripts/bench does not exist yet" >&2; exit 1; fi

# Hook: others provide selftests/host/Makefile (user-space build and tests).
host: deps
	@if [[ -f selftests/host/Makefile ]]; then $(MAKE) -C selftests/host; \
	else echo "make host: no selftests/host/Makefile yet, nothing to build" >&2; fi

clean:
	rm -rf build
