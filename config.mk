# config.mk - compiler and library settings for ptk (included by Makefile).
VERSION = 0.1.0

CC      ?= cc
OPT     ?= -O2
CSTD     = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Wno-unused-parameter -Werror
CFLAGS  ?= $(OPT) -g
CPPFLAGS_PTK = -Ilib -DPTK_VERSION='"$(VERSION)"'
OMPFLAGS = -fopenmp

# NATIVE=1 builds for this processor only (-march=native); release builds stay portable.
ifeq ($(NATIVE),1)
CFLAGS += -march=native
endif

# SAN=1 builds the sanitizer variant that 'make test-asan' runs.
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# MPI=1 builds train for data-parallel runs under OpenMPI's mpirun (see
# lib/nn/dist.h); without it train is a single process and needs no MPI.
ifeq ($(MPI),1)
MPI_CFLAGS = $(shell mpicc --showme:compile) -DPTK_MPI
MPI_LIBS   = $(shell mpicc --showme:link)
endif

# OpenBLAS (the OpenMP build) for the transformer core.
BLAS_CFLAGS = -I/usr/include/$(shell $(CC) -dumpmachine)/openblas-openmp
BLAS_LIBS   = -lopenblas

# Every binary links the archives; the linker takes only the objects it uses
# and --as-needed drops shared libraries a binary does not call.
LDLIBS_PTK = -lzstd -lpcre2-8 -lcurl -lsqlite3 -lutf8proc -lxxhash -lgumbo -lpsl -lm
