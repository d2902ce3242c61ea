# ptk - pretraining toolkit.  One non-recursive Makefile; settings in config.mk.
#
#   make              build bin/* (installs missing Debian packages first)
#   make test         build and run every unit and CLI test
#   make test-asan    the same suite built with AddressSanitizer + UBSan
#   make demo         run the end-to-end pipeline on the bundled corpus
#   make check-reference   compare against peer tools (tiktoken, HF tokenizers, PyTorch, numpy)
#   make fuzz         build the libFuzzer targets into build/fuzz/
#   make MPI=1        the same with data-parallel train (OpenMPI)
#   make test-mpi     build that into build-mpi/ and run the mpirun tests
include config.mk

# Quiet recipes ("CC file"); V=1 shows the full commands.
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @printf '  %-5s %s\n'
endif

BUILD ?= build
BIN   ?= bin

LIB_SRC  := $(sort $(wildcard lib/*.c))
NN_SRC   := $(sort $(wildcard lib/nn/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/t_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRC))
NN_OBJ   := $(patsubst lib/nn/%.c,$(BUILD)/nn/%.o,$(NN_SRC))
BINS     := $(patsubst cmd/%.c,$(BIN)/%,$(CMD_SRC))
UNITS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
SCRIPTS  := $(patsubst scripts/bin/%,$(BIN)/%,$(wildcard scripts/bin/*))

ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(OMPFLAGS) $(CPPFLAGS_PTK) $(CPPFLAGS)
LIBS = -Wl,--as-needed $(BUILD)/libnn.a $(BUILD)/libptk.a $(BLAS_LIBS) $(LDLIBS_PTK) $(MPI_LIBS)

# A stamp, so that the dependency check runs once per checkout, not per target.
DEPS_STAMP = $(BUILD)/.deps-ok$(if $(filter 1,$(MPI)),-mpi)
DEPS_FLAGS = $(if $(filter 1,$(MPI)),--mpi)

# Only lib/nn/dist.c differs with MPI=1; this stamp's name records which
# way it was last compiled, so switching rebuilds it and relinks train.
MPI_STAMP = $(BUILD)/.mpi-$(if $(filter 1,$(MPI)),on,off)

.PHONY: all deps test test-asan test-mpi demo check-reference fuzz clean bench man install
all: $(BINS) $(SCRIPTS) $(UNITS)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps
	@scripts/install-deps $(DEPS_FLAGS)
	@mkdir -p $(@D) && touch $@

$(MPI_STAMP):
	@mkdir -p $(@D) && rm -f $(BUILD)/.mpi-* && touch $@
$(BUILD)/nn/dist.o: $(MPI_STAMP)
$(BUILD)/nn/dist.o: ALL_CFLAGS += $(MPI_CFLAGS)

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/nn/%.o: lib/nn/%.c $(wildcard lib/*.h lib/nn/*.h) $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) -c -o $@ $<

$(BUILD)/libptk.a: $(LIB_OBJ)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $^

$(BUILD)/libnn.a: $(NN_OBJ)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $(if $^,$^,$(BUILD)/.deps-ok)

# A program is cmd/PROG.c, plus cmd/PROG/*.c when it has such a folder
# (train: one file per subcommand and model family).
.SECONDEXPANSION:
$(BIN)/%: cmd/%.c $$(wildcard cmd/%/*.c cmd/%/*.h) $(BUILD)/libptk.a $(BUILD)/libnn.a $(wildcard lib/*.h lib/nn/*.h)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) -Icmd/$* $(LDFLAGS) -o $@ $< $(wildcard cmd/$*/*.c) $(LIBS)

$(BIN)/%: scripts/bin/%
	@mkdir -p $(@D)
	$(Q)cp $< $@ && chmod +x $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libptk.a $(BUILD)/libnn.a $(wildcard lib/*.h lib/nn/*.h)
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBS)

test: all
	@BIN=$(abspath $(BIN)) UNITS=$(abspath $(BUILD)/tests) tests/run.sh

test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin SAN=1 OPT=-O1 all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 PTK_SANITIZED=1 BIN=$(abspath build-asan/bin) UNITS=$(abspath build-asan/tests) tests/run.sh

# The mpirun tests: train built with MPI=1 beside the ordinary build.
test-mpi:
	@$(MAKE) --no-print-directory BUILD=build-mpi BIN=build-mpi/bin MPI=1 all
	@BIN=$(abspath build-mpi/bin) UNITS=/nonexistent CLI_TESTS=$(abspath tests/mpi) tests/run.sh

demo: all
	pipelines/demo.sh

check-reference: all
	@scripts/install-deps --reference
	tests/reference/run.sh

# libFuzzer targets: clang with ASan and UBSan.  The library is compiled once
# into build/fuzz/libptk-fuzz.a (instrumented) and each target links it.
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(CSTD) -fopenmp -Ilib -DPTK_VERSION='"$(VERSION)"'
FUZZ_OBJ := $(patsubst lib/%.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRC))
fuzz: $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
$(BUILD)/fuzz/obj/%.o: lib/%.c $(wildcard lib/*.h) $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(say) FUZZCC $<
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<
$(BUILD)/fuzz/libptk-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libptk-fuzz.a
	$(say) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libptk-fuzz.a $(LDLIBS_PTK)

# Man pages: docs/PROG.1.md -> build/man/PROG.1 (roff).
MAN_SRC := $(sort $(wildcard docs/*.1.md))
MANS    := $(patsubst docs/%.1.md,$(BUILD)/man/%.1,$(MAN_SRC))
man: $(MANS)
$(BUILD)/man/%.1: docs/%.1.md scripts/md2man
	@mkdir -p $(@D)
	$(Q)scripts/md2man $< > $@.tmp && mv $@.tmp $@

PREFIX ?= /usr/local
install: all man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BINS) $(SCRIPTS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man1/

bench: all
	@echo "see bench/README.md"

clean:
	rm -rf build build-asan bin
