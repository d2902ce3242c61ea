/*
 * enctrain.c - the encoder pre-training run: records (a shard folder or a
 * token-record file) in a shuffled order every epoch, padded batches, MLM
 * with the records' labels or masks made in-process every epoch (dynamic
 * masking, lib/mask.h), NSP / SOP from the example label, AdamW on the
 * trainer core's schedules, JSON Lines metrics.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mask.h"
#include "shard.h"
#include "zio.h"
#include "tokrec.h"
#include "xalloc.h"
#include "nn/bert.h"
#include "nn/ckpt.h"
#include "nn/dist.h"
#include "train.h"

enum { OPT_SHARE = TRAIN_OPT_FAMILY, OPT_MASK_PROB, OPT_DYNAMIC, OPT_ACCUM,
	OPT_STREAM };

static const struct option longopts[] = {
	TRAIN_LONGOPTS,
	{ "accum", required_argument, NULL, OPT_ACCUM },
	{ "share", required_argument, NULL, OPT_SHARE },
	{ "mask-prob", required_argument, NULL, OPT_MASK_PROB },
	{ "dynamic-mask", no_argument, NULL, OPT_DYNAMIC },
	{ "stream", no_argument, NULL, OPT_STREAM },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Pre-train a BERT, RoBERTa or ALBERT encoder on token records.\n"
"\n"
"  -m, --model NAME|FILE bert-tiny roberta-tiny albert-tiny bert-base\n"
"                        roberta-base albert-base (vocabulary: the data's),\n"
"                        or a JSON config {\"preset\": NAME, \"n_layer\": 4,\n"
"                        ...} changing a preset's fields\n"
"  -d, --data PATH       a shard folder (its val split validates) or a\n"
"                        token-record file: masked records (mask-gen), or\n"
"                        pair / seq records masked here every epoch\n"
"      --stream          records from the operand or stdin in arrival order,\n"
"                        one pass (validation from --val)\n"
"      --val FILE        validation records (default: the folder's val\n"
"                        split, else the last --val-fraction, 0.05)\n"
"      --share MODE      ALBERT cross-layer sharing: all attention ffn none\n"
"      --dynamic-mask    mask in-process every epoch even when the records\n"
"                        carry labels (RoBERTa always does)\n"
"      --mask-prob P     share of tokens to predict when masking (0.15)\n"
"  -n, --steps N         optimizer steps (required)\n"
"  -T, --seq-len N       tokens per sequence; longer records are cut\n"
"                        (default: the model's context)\n"
"  -B, --batch N         sequences per micro-batch (default 8)\n"
"      --accum N         micro-batches per step (default 1), or\n"
"      --batch-tokens N  B*T*accum, as for GPT models\n"
"      --lr X --min-lr X --warmup N --schedule S --decay-steps N\n"
"      --weight-decay X --beta2 X --clip X --seed S\n"
"                        as for GPT models (lr 1e-4, beta2 0.999, wd 0.01)\n"
"      --eval-every N    validation every N steps (default 100)\n"
"      --eval-batches N  micro-batches per validation (default 20)\n"
"      --log FILE        metrics as JSON Lines, one per step\n"
"      --out DIR         checkpoints DIR/step-NNNNNNNN.ckpt and DIR/latest\n"
"      --save-every N    checkpoint every N steps (default: at the end)\n"
"      --keep-best       also keep DIR/best.ckpt, the lowest validation\n"
"                        loss so far (DIR/best.json names its step)\n"
"      --resume PATH     continue from a checkpoint or an --out folder with\n"
"                        the same losses (same data and options)\n";

/* Whether path is a JSON config file naming an encoder preset. */
static int
names_encoder(const char *path)
{
	struct buf b = BUF_INIT;
	char err[256];
	int is = 0;

	if (zio_read_file(path, 1 << 20, &b, err, sizeof(err)) == 0)
		is = bert_config_names_encoder(b.p ? b.p : "", b.len);
	buf_release(&b);
	return is;
}

int
enc_wants(int argc, char *argv[])
{
	const char *v = train_model_arg(argc, argv);

	return v && (bert_is_preset(v) || names_encoder(v));
}

/* ---- records ---- */

/* Records of one split: a shard folder's, or a file's held in memory. */
struct recs {
	const struct shardset *set;
	int split;
	uint64_t first, n;		/* records first .. first+n-1 */
	/* file-backed */
	struct tok_rec *r;
	struct buf mem;			/* all arrays, back to back */
	const char *name;
};

static int
recs_get(const struct recs *s, uint64_t i, struct tok_rec *rec,
    struct shard_recbuf *b)
{
	if (s->set)
		return shardset_record(s->set, s->split, s->first + i, rec, b);
	*rec = s->r[s->first + i];
	return 0;
}

/* Read a token-record file whole into s; *hdr gets its header. */
static int
recs_load(struct recs *s, const char *path, struct tok_header *hdr)
{
	struct tok_reader *rd;
	struct tok_rec rec;
	size_t cap = 0, *off = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	s->name = path;
	rc = tok_reader_open(&rd, path);
	if (rc <= 0) {
		if (rc == 0)
			cli_error("%s: no records", path);
		else
			cli_error("%s", tok_reader_errmsg(rd));
		tok_reader_free(rd);
		exit(rc == 0 || rc == PTK_EFORMAT || rc == PTK_ELIMIT ?
		    CLI_EXIT_DATA : CLI_EXIT_IO);
	}
	*hdr = *tok_reader_header(rd);
	/* Arrays go into one buffer (4-byte aligned parts); pointers are
	 * fixed up at the end, as the buffer moves while it grows. */
	while ((rc = tok_read(rd, &rec)) == 1) {
		size_t o;
		if (s->n == cap) {
			cap = cap ? 2 * cap : 1024;
			s->r = xrealloc(s->r, cap * sizeof(*s->r));
			off = xrealloc(off, cap * 5 * sizeof(size_t));
		}
		o = s->mem.len;
		off[s->n * 5] = o;
		buf_append(&s->mem, rec.tokens, rec.n * 4);
		off[s->n * 5 + 1] = rec.labels ? s->mem.len : (size_t)-1;
		if (rec.labels)
			buf_append(&s->mem, rec.labels, rec.n * 4);
		off[s->n * 5 + 2] = s->mem.len;
		buf_append(&s->mem, rec.id, rec.id_len);
		off[s->n * 5 + 3] = rec.segments ? s->mem.len : (size_t)-1;
		if (rec.segments)
			buf_append(&s->mem, rec.segments, rec.n);
		while (s->mem.len % 4)
			buf_append(&s->mem, "", 1);
		s->r[s->n] = rec;
		s->r[s->n].bounds = NULL;
		s->r[s->n].n_bounds = 0;
		s->n++;
	}
	if (rc < 0) {
		cli_error("%s", tok_reader_errmsg(rd));
		tok_reader_free(rd);
		exit(rc == PTK_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	for (uint64_t i = 0; i < s->n; i++) {
		char *base = s->mem.p;
		s->r[i].tokens = (const uint32_t *)(base + off[i * 5]);
		s->r[i].labels = off[i * 5 + 1] == (size_t)-1 ? NULL :
		    (const int32_t *)(base + off[i * 5 + 1]);
		s->r[i].id = base + off[i * 5 + 2];
		s->r[i].segments = off[i * 5 + 3] == (size_t)-1 ? NULL :
		    (const uint8_t *)(base + off[i * 5 + 3]);
	}
	free(off);
	tok_reader_free(rd);
	return 0;
}

/* ---- batches ---- */

struct run {
	struct bert m;
	int B, T, head, dynamic;
	int32_t pad;
	struct mask_opts mo;
	struct mask_vocab mv;
	struct mask_scratch ms;
	struct shard_recbuf rb;
	int32_t *tok, *lab, *len, *cls;
	uint8_t *seg;
	uint32_t *mtok;
	int32_t *mlab;
	/* training order */
	struct recs tr, va;
	uint32_t *perm;
	uint64_t epoch, idx;
	uint64_t seed;
	/* --stream: records in arrival order, idx of them consumed */
	struct tok_reader *stream;
	const char *stream_name;
};

static void
shuffle(struct run *r)
{
	struct nn_rng g;

	for (uint64_t i = 0; i < r->tr.n; i++)
		r->perm[i] = (uint32_t)i;
	nn_rng_seed(&g, r->seed ^ (0x9e3779b97f4a7c15ULL * (r->epoch + 1)));
	for (uint64_t i = r->tr.n; i > 1; i--) {
		uint64_t j = nn_rng_next(&g) % i;
		uint32_t t = r->perm[i - 1];
		r->perm[i - 1] = r->perm[j];
		r->perm[j] = t;
	}
}

/* Put record number recno (from 1) of the data called name into batch
 * row b, masking it for epoch; exits on a record the model cannot take. */
static void
put_rec(struct run *r, struct tok_rec rec, const char *name, uint64_t recno,
    int b, uint64_t epoch)
{
	int T = r->T, V = r->m.cfg.vocab_size, n;
	int32_t *tok = r->tok + (size_t)b * T, *lab = r->lab + (size_t)b * T;
	uint8_t *seg = r->seg + (size_t)b * T;

	n = rec.n < (size_t)T ? (int)rec.n : T;
	if (n < 1) {
		cli_error("%s: record %llu: empty", name,
		    (unsigned long long)recno);
		exit(CLI_EXIT_DATA);
	}
	if (r->head && !rec.has_label) {
		cli_error("%s: record %llu: no example label (the %s head "
		    "needs nsp-pair or sop-pair records)", name,
		    (unsigned long long)recno,
		    r->head == BERT_HEAD_NSP ? "NSP" : "SOP");
		exit(CLI_EXIT_DATA);
	}
	if (r->head && (rec.label < 0 || rec.label > 1)) {
		cli_error("%s: record %llu: example label %d is not 0 or 1",
		    name, (unsigned long long)recno,
		    (int)rec.label);
		exit(CLI_EXIT_DATA);
	}
	if (!r->dynamic && !rec.labels) {
		cli_error("%s: record %llu: no MLM labels (mask-gen output, "
		    "or --dynamic-mask)", name,
		    (unsigned long long)recno);
		exit(CLI_EXIT_DATA);
	}
	for (int t = 0; t < n; t++) {
		if (rec.tokens[t] >= (uint32_t)V) {
			cli_error("%s: record %llu: token %u is outside the "
			    "model's vocabulary (%d)", name,
			    (unsigned long long)recno,
			    rec.tokens[t], V);
			exit(CLI_EXIT_DATA);
		}
		seg[t] = rec.segments ? rec.segments[t] : 0;
		if (seg[t] >= r->m.cfg.n_types) {
			cli_error("%s: record %llu: segment id %u, the model "
			    "has %d", name,
			    (unsigned long long)recno, seg[t],
			    r->m.cfg.n_types);
			exit(CLI_EXIT_DATA);
		}
	}
	if (r->dynamic) {
		/* Unmask first: a masked record's labels restore the input. */
		for (int t = 0; t < n; t++)
			r->mtok[t] = rec.labels && rec.labels[t] >= 0 ?
			    (uint32_t)rec.labels[t] : rec.tokens[t];
		r->mo.epoch = epoch;
		mask_record(&r->mo, &r->mv, mask_record_key(rec.id,
		    rec.id_len), r->mtok, (size_t)n, r->mlab, &r->ms, NULL);
		for (int t = 0; t < n; t++) {
			tok[t] = (int32_t)r->mtok[t];
			lab[t] = r->mlab[t];
		}
	} else {
		for (int t = 0; t < n; t++) {
			tok[t] = (int32_t)rec.tokens[t];
			lab[t] = rec.labels[t];
		}
	}
	for (int t = n; t < T; t++) {
		tok[t] = r->pad;
		seg[t] = 0;
		lab[t] = -1;
	}
	r->len[b] = n;
	r->cls[b] = r->head ? rec.label : 0;
}

/* Put record i of s into batch row b (masking it for epoch). */
static void
put_row(struct run *r, const struct recs *s, uint64_t i, int b,
    uint64_t epoch)
{
	struct tok_rec rec;

	if (recs_get(s, i, &rec, &r->rb) != 0) {
		cli_error("%s: record %llu cannot be read", s->name,
		    (unsigned long long)(s->first + i + 1));
		exit(CLI_EXIT_DATA);
	}
	put_rec(r, rec, s->name, s->first + i + 1, b, epoch);
}

/* The next B records of the stream into the batch: 1, or 0 when it ends
 * first (the partial batch is dropped). */
static int
stream_batch(struct run *r)
{
	struct tok_rec rec;
	int rc;

	for (int b = 0; b < r->B; b++) {
		if ((rc = tok_read(r->stream, &rec)) < 0) {
			cli_error("%s", tok_reader_errmsg(r->stream));
			exit(rc == PTK_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
		}
		if (rc == 0)
			return 0;
		put_rec(r, rec, r->stream_name, r->idx + 1, b, 0);
		r->idx++;
	}
	return 1;
}

/* The next B training records into the batch, or (!keep) passed over:
 * another rank's micro-batch.  Returns 0 when a stream has ended. */
static int
next_batch(struct run *r, int keep)
{
	if (r->stream)
		return stream_batch(r);
	for (int b = 0; b < r->B; b++) {
		if (r->idx == r->tr.n) {
			r->epoch++;
			r->idx = 0;
			shuffle(r);
		}
		if (keep)
			put_row(r, &r->tr, r->perm[r->idx], b, r->epoch);
		r->idx++;
	}
	return 1;
}

static struct bert_batch
batch_of(struct run *r, int B)
{
	struct bert_batch bt = { B, r->T, r->tok, r->seg, r->len, r->lab,
	    r->head ? r->cls : NULL };
	return bt;
}

/* Validation: the first eval_batches * B records, masks of epoch 0; batch
 * k on rank k mod ranks. */
static void
evaluate(struct run *r, long nb, double *mlm, double *cls, double *acc)
{
	/* MLM loss x positions, positions, NSP/SOP loss x rows, rows, right */
	double sum[5] = { 0, 0, 0, 0, 0 };
	uint64_t i = 0;

	for (long k = 0; k < nb && i < r->va.n; k++) {
		struct bert_loss l;
		struct bert_batch bt;
		int got = 0;
		if (k % dist_size() != dist_rank()) {
			i += r->va.n - i < (uint64_t)r->B ? r->va.n - i :
			    (uint64_t)r->B;
			continue;
		}
		for (; got < r->B && i < r->va.n; got++, i++)
			put_row(r, &r->va, i, got, 0);
		bt = batch_of(r, got);
		bert_forward(&r->m, &bt, 0, &l);
		if (l.mlm_n) {
			sum[0] += l.mlm * l.mlm_n;
			sum[1] += l.mlm_n;
		}
		sum[2] += l.cls * l.cls_n;
		sum[3] += l.cls_n;
		sum[4] += l.cls_correct;
	}
	dist_sum_doubles(sum, 5);
	*mlm = sum[1] ? sum[0] / sum[1] : NAN;
	*cls = sum[3] ? sum[2] / sum[3] : NAN;
	*acc = sum[3] ? sum[4] / sum[3] : NAN;
}

static void
json_num(FILE *f, const char *k, double v)
{
	if (isfinite(v))
		fprintf(f, ",\"%s\":%.6g", k, v);
}

/* DIR/step-NNNNNNNN.ckpt, then DIR/latest naming it; or DIR/best.ckpt. */
static void
save(struct run *r, const char *dir, uint64_t step, int best)
{
	char path[4096], name[64];
	uint64_t pos[3] = { step, r->epoch, r->idx };

	/* Identical updates keep the ranks' weights identical; check. */
	if (!dist_same_floats(r->m.params, r->m.nparams)) {
		cli_error("the ranks' weights differ at step %llu: not saving",
		    (unsigned long long)step);
		exit(CLI_EXIT_DATA);
	}
	if (dist_rank() != 0)
		return;
	if (best)
		snprintf(name, sizeof(name), "best.ckpt");
	else
		snprintf(name, sizeof(name), "step-%08llu.ckpt",
		    (unsigned long long)step);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (bert_ckpt_save(path, &r->m, pos) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (best)
		return;
	if (ckpt_mark_latest(dir, name) != 0) {
		cli_error("%s/latest: %s", dir, strerror(errno));
		exit(CLI_EXIT_IO);
	}
}

int
enc_train_main(int argc, char *argv[])
{
	struct cli_common c = CLI_COMMON_INIT;
	/* BERT's defaults where they differ from GPT's. */
	struct train_common tc = { .B = 8, .steps = -1, .eval_every = 100,
	    .eval_batches = 20, .decay_steps = -1, .lr = 1e-4, .min_lr = -1,
	    .wd = 0.01, .beta2 = 0.999, .clip = 1.0, .val_fraction = 0.05,
	    .schedule = "cosine", .seed = 1337 };
	const char *share = NULL, *hname;
	long long start = 0;
	char *ck = NULL;
	double mask_prob = 0.15;
	int accum = 1, dyn_opt = 0, ch, progress, vocab_given = 0, stream = 0;
	long long done;
	double best = INFINITY;
	struct bert_config cfg;
	struct tok_header hdr;
	struct shardset *set = NULL;
	struct lr_schedule sched;
	struct adamw aw = ADAMW_INIT;
	struct run r;
	struct stat st;
	char err[256];
	FILE *logf = NULL;
	double t0;

	cli_init(argv, "usage: train --model bert-tiny|roberta-tiny|"
	    "albert-tiny|CONFIG.json (--data PATH | --stream) --steps N "
	    "[options] [file]", help);
	while ((ch = getopt_long(argc, argv, TRAIN_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg) ||
		    train_common_opt(&tc, ch, optarg))
			continue;
		switch (ch) {
		case OPT_ACCUM:
			accum = (int)cli_num(optarg, "--accum", 1, 65536);
			break;
		case OPT_SHARE: share = optarg; break;
		case OPT_MASK_PROB:
			mask_prob = cli_real(optarg, "--mask-prob", 0, 1);
			break;
		case OPT_DYNAMIC: dyn_opt = 1; break;
		case OPT_STREAM: stream = 1; break;
		default: cli_usage_error("unknown option");
		}
	}
	if (stream && tc.data)
		cli_usage_error("give one of --data PATH and --stream");
	if (stream) {
		if (argc - optind > 1)
			cli_usage_error("--stream reads one input");
		tc.data = optind < argc ? argv[optind++] : "-";
		if (dist_size() > 1)
			cli_usage_error("--stream reads standard input, which "
			    "mpirun gives rank 0 alone: give the ranks --data");
	}
	if (optind < argc)
		cli_usage_error("encoder models read --data or --stream, not "
		    "operands");
	if (!tc.model)
		cli_usage_error("--model is required");
	if (bert_config_preset(&cfg, tc.model) != 0) {
		/* A JSON config file (enc_wants() found it names a preset). */
		struct buf b = BUF_INIT;
		if (zio_read_file(tc.model, 1 << 20, &b, err, sizeof(err)) != 0)
			cli_usage_error("%s", err);
		if (bert_config_parse(&cfg, b.p, b.len, &vocab_given, err,
		    sizeof(err)) != 0)
			cli_usage_error("%s: %s", tc.model, err);
		buf_release(&b);
	}
	if (!tc.data)
		cli_usage_error("--data or --stream is required");
	if (tc.keep_best && !tc.out)
		cli_usage_error("--keep-best needs --out");
	if (tc.steps < 0)
		cli_usage_error("--steps is required");
	if (tc.resume) {
		struct bert_config cc;
		int rc;
		ck = train_ckpt_path(tc.resume);
		if ((rc = bert_ckpt_read_config(ck, &cc, err,
		    sizeof(err))) != 0) {
			cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) :
			    err);
			exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
		}
		if (cc.head != cfg.head)
			cli_usage_error("%s: the checkpoint is not a %s model",
			    ck, tc.model);
		cfg = cc;
	}
	if (tc.out && mkdir(tc.out, 0777) != 0 && errno != EEXIST) {
		cli_error("%s: %s", tc.out, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (share && !tc.resume) {
		int s = bert_share_parse(share);
		if (s < 0)
			cli_usage_error("--share: all, attention, ffn or none");
		cfg.share = s;
	}
	memset(&sched, 0, sizeof(sched));
	if (lr_sched_parse(tc.schedule, &sched.kind) != 0)
		cli_usage_error("--schedule: cosine, linear, wsd or constant");
	sched.lr = (float)tc.lr;
	sched.min_lr = (float)(tc.min_lr < 0 ? tc.lr / 10 : tc.min_lr);
	sched.warmup = tc.warmup;
	sched.total = tc.steps;
	sched.decay = tc.decay_steps < 0 ? tc.steps / 10 : tc.decay_steps;
	sched.decay_start = -1;
	aw.beta2 = (float)tc.beta2;
	aw.weight_decay = (float)tc.wd;
	omp_set_num_threads(cli_jobs(&c));
	progress = cli_show_progress(&c) && dist_rank() == 0;

	memset(&r, 0, sizeof(r));
	if (stream) {
		int rc = tok_reader_open(&r.stream, tc.data);
		if (rc <= 0) {
			if (rc == 0)
				cli_error("%s: no records", tc.data);
			else
				cli_error("%s", tok_reader_errmsg(r.stream));
			exit(rc == 0 || rc == PTK_EFORMAT || rc == PTK_ELIMIT ?
			    CLI_EXIT_DATA : CLI_EXIT_IO);
		}
		hdr = *tok_reader_header(r.stream);
		r.stream_name = strcmp(tc.data, "-") ? tc.data : "<stdin>";
	} else if (stat(tc.data, &st) != 0) {
		cli_error("%s: %s", tc.data, strerror(errno));
		exit(CLI_EXIT_IO);
	} else if (S_ISDIR(st.st_mode)) {
		int rc = shardset_open(&set, tc.data, 0, cli_jobs(&c));
		if (rc < 0) {
			cli_error("%s", shardset_errmsg(set));
			shardset_free(set);
			exit(rc == PTK_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
		}
		if (shardset_format(set) != SHARD_FMT_PTK) {
			cli_error("%s: encoder models need ptk shards (records "
			    "with labels and segments)", tc.data);
			exit(CLI_EXIT_DATA);
		}
		hdr = *shardset_header(set);
		r.tr.set = set;
		r.tr.split = SHARD_TRAIN;
		r.tr.n = shardset_records(set, SHARD_TRAIN);
		r.tr.name = tc.data;
		if (!tc.val && shardset_records(set, SHARD_VAL) > 0) {
			r.va.set = set;
			r.va.split = SHARD_VAL;
			r.va.n = shardset_records(set, SHARD_VAL);
			r.va.name = tc.data;
		}
	} else {
		recs_load(&r.tr, tc.data, &hdr);
	}
	if (tc.val) {
		struct tok_header vh;
		recs_load(&r.va, tc.val, &vh);
		if (vh.vocab_size > hdr.vocab_size)
			hdr.vocab_size = vh.vocab_size;
	} else if (r.va.n == 0 && tc.val_fraction > 0 && !stream) {
		uint64_t nv = (uint64_t)(r.tr.n * tc.val_fraction);
		if (nv >= 1 && nv < r.tr.n) {
			r.va = r.tr;
			r.va.first = r.tr.n - nv;
			r.va.n = nv;
			r.tr.n -= nv;
		}
	}
	if (r.tr.n == 0 && !stream) {
		cli_error("%s: no training records", tc.data);
		exit(CLI_EXIT_DATA);
	}
	if (!tc.resume && !vocab_given)
		cfg.vocab_size = (int)hdr.vocab_size;
	else if (hdr.vocab_size > (uint32_t)cfg.vocab_size)
		cli_usage_error("the data's vocabulary (%u) is larger than the "
		    "%s model's (%d)", hdr.vocab_size,
		    tc.resume ? "checkpoint" : "config", cfg.vocab_size);
	if (tc.T_given && tc.T < 2)
		cli_usage_error("--seq-len: at least 2 for an encoder");
	if (!tc.T)
		tc.T = cfg.n_ctx;
	if (tc.T > cfg.n_ctx)
		cli_usage_error("--seq-len %d is longer than the model's "
		    "context (%d)", tc.T, cfg.n_ctx);
	if (tc.batch_tokens) {
		if (tc.batch_tokens % ((long long)tc.B * tc.T) != 0)
			cli_usage_error("--batch-tokens %lld is not a multiple "
			    "of batch * seq-len = %d", tc.batch_tokens,
			    tc.B * tc.T);
		accum = (int)(tc.batch_tokens / ((long long)tc.B * tc.T));
	}
	if (accum % dist_size() != 0)
		cli_usage_error("%d ranks share the %d micro-batches of a "
		    "step: make --accum a multiple of the ranks", dist_size(),
		    accum);
	r.head = cfg.head;
	hname = cfg.head == BERT_HEAD_SOP ? "sop" : "nsp";
	r.dynamic = dyn_opt || cfg.head == BERT_HEAD_NONE ||
	    hdr.kind != TOK_KIND_MASKED;
	if (hdr.kind != TOK_KIND_MASKED && hdr.kind != TOK_KIND_PAIR &&
	    hdr.kind != TOK_KIND_SEQ) {
		cli_error("%s: %s records; encoder models read masked, pair "
		    "or seq records", tc.data, tok_kind_name(hdr.kind));
		exit(CLI_EXIT_DATA);
	}
	if (r.head && hdr.kind == TOK_KIND_SEQ) {
		cli_error("%s: seq records have no %s label: make pairs with "
		    "%s first", tc.data, hname, r.head == BERT_HEAD_SOP ?
		    "sop-pair" : "nsp-pair");
		exit(CLI_EXIT_DATA);
	}
	r.pad = hdr.special[TOK_PAD] >= 0 ? hdr.special[TOK_PAD] : 0;
	if (r.dynamic) {
		if (hdr.special[TOK_MASK] < 0) {
			cli_error("%s: the header names no [MASK] token, needed "
			    "for masking in-process", tc.data);
			exit(CLI_EXIT_DATA);
		}
		mask_vocab_init(&r.mv, hdr.vocab_size,
		    (uint32_t)hdr.special[TOK_MASK], &hdr);
		if (mask_vocab_done(&r.mv) != 0) {
			cli_error("%s: every token is special", tc.data);
			exit(CLI_EXIT_DATA);
		}
		r.mo.prob = mask_prob;
		r.mo.mask_frac = 0.8;
		r.mo.random_frac = 0.1;
		r.mo.ngram = 1;
		r.mo.seed = tc.seed;
		mask_scratch_reserve(&r.ms, (size_t)tc.T);
	}
	if (bert_config_check(&cfg, err, sizeof(err)) != 0)
		cli_usage_error("model: %s", err);
	if (bert_init(&r.m, &cfg, tc.B, tc.T, 1) != 0) {
		cli_error("out of memory for the model");
		exit(CLI_EXIT_IO);
	}
	bert_init_weights(&r.m, tc.seed);
	r.B = tc.B;
	r.T = tc.T;
	r.seed = tc.seed;
	r.tok = xmalloc(sizeof(int32_t) * tc.B * tc.T);
	r.lab = xmalloc(sizeof(int32_t) * tc.B * tc.T);
	r.seg = xmalloc((size_t)tc.B * tc.T);
	r.len = xmalloc(sizeof(int32_t) * tc.B);
	r.cls = xmalloc(sizeof(int32_t) * tc.B);
	r.mtok = xmalloc(sizeof(uint32_t) * tc.T);
	r.mlab = xmalloc(sizeof(int32_t) * tc.T);
	r.perm = xmalloc(sizeof(uint32_t) * (r.tr.n ? r.tr.n : 1));
	shuffle(&r);
	if (ck) {
		uint64_t pos[3];
		int rc = bert_ckpt_load(ck, &r.m, pos, err, sizeof(err));
		if (rc != 0) {
			cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) :
			    err);
			exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
		}
		if (!stream && pos[2] > r.tr.n) {
			cli_error("%s: the checkpoint's data position is past "
			    "the data (other data?)", ck);
			exit(CLI_EXIT_DATA);
		}
		start = (long long)pos[0];
		r.epoch = pos[1];
		shuffle(&r);
		/* A stream skips the records the run had consumed. */
		for (r.idx = 0; stream && r.idx < pos[2]; r.idx++) {
			struct tok_rec rec;
			int rc = tok_read(r.stream, &rec);
			if (rc <= 0) {
				cli_error("%s: %s", r.stream_name, rc < 0 ?
				    tok_reader_errmsg(r.stream) : "the stream "
				    "ends before the checkpoint's position");
				exit(rc == PTK_EIO ? CLI_EXIT_IO :
				    CLI_EXIT_DATA);
			}
		}
		r.idx = pos[2];
	}
	if (tc.logp && dist_rank() == 0 && !(logf = fopen(tc.logp, ck ? "a" :
	    "w"))) {
		cli_error("%s: %s", tc.logp, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (!c.quiet && dist_rank() == 0) {
		char cj[512], ntr[32];
		bert_config_json(&cfg, cj, sizeof(cj));
		if (stream)
			snprintf(ntr, sizeof(ntr), "a stream of");
		else
			snprintf(ntr, sizeof(ntr), "%llu",
			    (unsigned long long)r.tr.n);
		fprintf(stderr, "train: %s %.2fM parameters, %s training "
		    "records, %llu validation, %s masks\ntrain: %s\n", tc.model,
		    (double)r.m.nparams / 1e6, ntr, (unsigned long long)r.va.n,
		    r.dynamic ? (stream ? "in-process" :
		    "in-process (every epoch)") : "the records'", cj);
	}
	if (tc.keep_best && ck)
		best = train_best_load(tc.out);
	t0 = train_now();
	done = tc.steps;
	for (long long s = start; s < tc.steps; s++) {
		double mlm = 0, cl = 0, norm, t1 = train_now();
		double cc = 0, cn = 0, mlm_k = 0;
		float lrs, scale = 1;
		/* Micro-batch k is rank k mod ranks's; all walk the order. */
		for (int k = 0; k < accum; k++) {
			struct bert_loss l;
			struct bert_batch bt;
			int mine = k % dist_size() == dist_rank();
			if (!next_batch(&r, mine)) {
				done = s;	/* the stream ended */
				break;
			}
			if (!mine)
				continue;
			bt = batch_of(&r, tc.B);
			bert_forward(&r.m, &bt, 1.0f / accum, &l);
			bert_backward(&r.m);
			if (l.mlm_n) {
				mlm += l.mlm;
				mlm_k++;
			}
			if (l.cls_n)
				cl += l.cls;
			cc += l.cls_correct;
			cn += l.cls_n;
		}
		if (done == s) {
			/* A partial step would change the scale: drop it. */
			bert_zero_grad(&r.m);
			break;
		}
		if (dist_size() > 1) {
			double st[5] = { mlm, mlm_k, cl, cc, cn };
			dist_sum_floats(r.m.grads, r.m.nparams);
			dist_sum_doubles(st, 5);
			mlm = st[0], mlm_k = st[1], cl = st[2], cc = st[3];
			cn = st[4];
		}
		norm = bert_grad_norm(&r.m);
		if (tc.clip > 0 && norm > tc.clip)
			scale = (float)(tc.clip / (norm + 1e-6));
		lrs = lr_at(&sched, (long)s);
		bert_adamw_step(&r.m, &aw, lrs, scale);
		mlm = mlm_k ? mlm / mlm_k : NAN;
		cl = cn ? cl / accum : NAN;
		int do_eval = r.va.n && tc.eval_every &&
		    ((s + 1) % tc.eval_every == 0 || s + 1 == tc.steps);
		double vm = NAN, vc = NAN, va = NAN, dt = train_now() - t1;
		if (do_eval)
			evaluate(&r, (long)tc.eval_batches, &vm, &vc, &va);
		if (do_eval && tc.keep_best) {
			double vl = (isfinite(vm) ? vm : 0) +
			    (isfinite(vc) ? vc : 0);
			if (vl < best) {
				best = vl;
				save(&r, tc.out, (uint64_t)s + 1, 1);
				if (dist_rank() == 0)
					train_best_mark(tc.out,
					    (unsigned long long)s + 1, vl);
			}
		}
		if (logf) {
			fprintf(logf, "{\"step\":%lld", s + 1);
			json_num(logf, "loss", (isfinite(mlm) ? mlm : 0) +
			    (cn ? cl : 0));
			json_num(logf, "mlm_loss", mlm);
			if (r.head) {
				char k1[16], k2[16];
				snprintf(k1, sizeof(k1), "%s_loss", hname);
				snprintf(k2, sizeof(k2), "%s_acc", hname);
				json_num(logf, k1, cl);
				json_num(logf, k2, cn ? cc / cn : NAN);
			}
			json_num(logf, "lr", lrs);
			json_num(logf, "grad_norm", norm);
			fprintf(logf, ",\"epoch\":%llu",
			    (unsigned long long)r.epoch);
			json_num(logf, "ms_per_step", dt * 1e3);
			if (do_eval) {
				char k1[24], k2[24];
				json_num(logf, "val_loss", (isfinite(vm) ? vm :
				    0) + (isfinite(vc) ? vc : 0));
				json_num(logf, "val_mlm_loss", vm);
				snprintf(k1, sizeof(k1), "val_%s_loss", hname);
				snprintf(k2, sizeof(k2), "val_%s_acc", hname);
				if (r.head) {
					json_num(logf, k1, vc);
					json_num(logf, k2, va);
				}
			}
			fputs("}\n", logf);
			if (ferror(logf)) {
				cli_error("%s: %s", tc.logp, strerror(errno));
				exit(CLI_EXIT_IO);
			}
		}
		if (tc.out && ((tc.save_every &&
		    (s + 1) % tc.save_every == 0) ||
		    s + 1 == tc.steps))
			save(&r, tc.out, (uint64_t)s + 1, 0);
		if (progress)
			fprintf(stderr, "\rtrain: step %lld/%lld mlm %.4f%s",
			    s + 1, tc.steps, mlm, do_eval ? " (eval)" : "");
	}
	if (progress)
		fputc('\n', stderr);
	if (done < tc.steps) {
		if (!c.quiet)
			fprintf(stderr, "train: the stream ended after %lld "
			    "steps\n", done);
		/* The last complete step's checkpoint, unless just saved. */
		if (tc.out && done > start && !(tc.save_every &&
		    done % tc.save_every == 0))
			save(&r, tc.out, (uint64_t)done, 0);
	}
	if (!c.quiet && dist_rank() == 0)
		fprintf(stderr, "train: %lld steps in %.1f s\n", done - start,
		    train_now() - t0);
	if (logf && fclose(logf) != 0) {
		cli_error("%s: %s", tc.logp, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	bert_release(&r.m);
	shard_recbuf_release(&r.rb);
	if (r.dynamic) {
		mask_vocab_release(&r.mv);
		mask_scratch_release(&r.ms);
	}
	if (r.va.r != r.tr.r) {
		free(r.va.r);
		buf_release(&r.va.mem);
	}
	free(r.tr.r);
	buf_release(&r.tr.mem);
	shardset_free(set);
	free(ck);
	free(r.tok);
	free(r.lab);
	free(r.seg);
	free(r.len);
	free(r.cls);
	free(r.mtok);
	free(r.mlab);
	free(r.perm);
	tok_reader_free(r.stream);
	return 0;
}
