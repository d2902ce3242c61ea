/*
 * sop-pair - ALBERT sentence-order-prediction examples: two consecutive
 * segments of one document, [CLS] A [SEP] B [SEP], swapped (label 1) or in
 * order (label 0).  The program is nsp-pair's, built in SOP mode: one
 * implementation (lib/pairs.c) serves both.
 */
#define PAIRS_SOP_PROGRAM 1
#include "nsp-pair.c"
