/* tyl_ckpt.c: checkpoints and restart.
 *
 * A checkpoint is a folder DIR/ckpt-LLL-SSSSSSSSSSSS (time loop L, iteration S about to run)
 * holding every live array of the generated main() as one global .npy file (np.save's own
 * MPI-IO writer, so the files do not depend on the rank count and NumPy reads them), one file
 * per buffer (slots that share a buffer share the file), and MANIFEST: a text file with the
 * format version, the program's identity hash, its parameters, the loop counters and scalars
 * (floats as their bit patterns), shapes and dtypes, and a CRC32C per record of every file (a
 * record is a row a[i, ...], rows grouped to at least 4 KiB; 64 KiB pieces for 1-D arrays),
 * ending with the CRC32C of the manifest itself.
 *
 * Writing: the folder is filled under a temporary name (.tmp-ckpt-...), every file and the
 * folder are fsync'ed, then rank 0 renames it and updates LATEST (write LATEST.tmp, fsync,
 * rename, fsync the folder). The checkpoint just written and the one before it are kept;
 * older ones and leftovers of interrupted writes are removed. Nothing in the folder is followed
 * through a symbolic link, written or read. A failed write ends the job with the errno and the
 * file, after removing the partial folder. Rank 0 holds an flock on DIR/LOCK: one job per folder.
 * The manifest's text and checksums are in tyl_ckpt_man.c, the folder's files and lock in
 * tyl_ckpt_dir.c (tyl_ckpt.h).
 *
 * Reading (--restart): the candidates are LATEST's target, then every ckpt-* folder, newest
 * first. A candidate is used only if its manifest parses and its own checksum matches, every
 * file has exactly the size the manifest says and every record's CRC32C matches (the ranks
 * split the records). Anything else (truncation, a flipped bit, a missing file, another format
 * version) is reported with the reason and the next candidate is tried. A checkpoint of
 * another program, or taken with other parameters, or holding arrays whose shapes differ from
 * those the program computes from its parameters (tyl_ck_expect), is refused with an error:
 * resuming it could only give wrong results.
 *
 * Step boundaries: tyl_ck_step runs at the top of every iteration of a time loop. Signals set
 * flags there; the ranks agree on them at one step boundary in G (tyl_agree.c: a non-blocking
 * MPI_Iallreduce started at one agreement and completed at the next, G chosen as the loop runs
 * and carried by the agreement itself), so every rank acts at the same step. Checkpoints every
 * K steps need no agreement. Fault injection (TYLES_FAULT_* variables, for tests) also happens
 * here.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_ckpt.h"
#include "runtime_mpi/tyl_mpi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static uint64_t ck_hash;
static int ck_nloops;
static char ck_dir[3800]; /* leaves room for "/ckpt-.../MANIFEST" in 4200-byte paths */

/* ---- MPI wrappers (a single process without MPI) ----------------------------------------- */

static int nranks(void) { return tyl_rt_nranks(); }
static int ck_find(void);
static void ck_drop_arrays(void);

static int64_t all_min(int64_t v)
{
#ifndef TYL_NO_MPI
    if (nranks() > 1)
        MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT64_T, MPI_MIN, tyl_rt_comm_);
#endif
    return v;
}

/* Each rank filled some entries of v[n] (the others are 0): the union on rank 0. */
static void reduce_or(uint32_t *v, int64_t n)
{
#ifndef TYL_NO_MPI
    for (int64_t at = 0; nranks() > 1 && at < n;) {
        int c = n - at > (1 << 26) ? (1 << 26) : (int)(n - at);
        if (tyl_rt_rank_ == 0)
            MPI_Reduce(MPI_IN_PLACE, v + at, c, MPI_UINT32_T, MPI_BOR, 0, tyl_rt_comm_);
        else
            MPI_Reduce(v + at, NULL, c, MPI_UINT32_T, MPI_BOR, 0, tyl_rt_comm_);
        at += c;
    }
#else
    (void)v;
    (void)n;
#endif
}

/* ---- messages ------------------------------------------------------------------------------ */

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    if (tyl_rt_rank_ != 0)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", tyl_ck_opts_.prog, msg);
    fflush(stderr);
}

/* ---- options, signals, faults ------------------------------------------------------------- */

static volatile sig_atomic_t sig_ck, sig_stop, in_loop;
static int seen_ck;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        sig_ck++;
        return;
    }
    /* outside a time loop (or asked twice) a stop request cannot wait for a step boundary */
    if (!in_loop || sig_stop) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    sig_stop = 1;
    if (sig == SIGTERM) /* SIGKILL follows: a job that never reaches the boundary ends anyway */
        tyl_stop_grace_start_();
}

static struct {
    int kill_rank;        /* -1: none */
    int64_t kill_step;    /* -1: random (drawn when the loop's length is known) */
    int kill_in_ckpt;     /* kill rank 0 inside the n-th checkpoint write (0: no) */
    int corrupt_mode;     /* 1 truncate, 2 flip a bit */
    int corrupt_n;        /* ... in the n-th checkpoint written */
    uint64_t seed;
    int armed;
    /* TYLES_FAULT_RESCALE=K:M[,K:M...]: rank 0 takes step K as a request to rescale in process
     * to M ranks (as if the RESCALE file held M), each in turn (a pair whose step comes before
     * the previous rescale is done waits for it); a request per step exactly, where the file's
     * depend on when it is seen */
    int rs_n, rs_next, rs_pending;
    int64_t rs_step[8];
    int rs_to[8];
} flt = {.kill_rank = -1};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void faults_setup(void)
{
    const char *r = getenv("TYLES_FAULT_KILL_RANK"), *k = getenv("TYLES_FAULT_KILL_STEP");
    const char *c = getenv("TYLES_FAULT_KILL_IN_CKPT"), *x = getenv("TYLES_FAULT_CORRUPT");
    const char *s = getenv("TYLES_FAULT_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) : (uint64_t)(tyl_wall_() * 1e6);
    tyl_ck_bcast_(&seed, sizeof seed); /* every rank draws the same */
    flt.seed = seed;
    if (r || k) {
        flt.armed = 1;
        flt.kill_rank = !r || !strcmp(r, "random") ? (int)(splitmix(&flt.seed) % (uint64_t)nranks()) : atoi(r);
        flt.kill_step = !k || !strcmp(k, "random") ? -1 : atoll(k);
    }
    if (c)
        flt.kill_in_ckpt = atoi(c);
    const char *rs = getenv("TYLES_FAULT_RESCALE");
    for (char *e; rs && *rs && flt.rs_n < 8; rs = *e == ',' ? e + 1 : e) {
        long long st = strtoll(rs, &e, 10);
        if (e == rs || *e != ':')
            break;
        long to = strtol(e + 1, &e, 10);
        flt.rs_step[flt.rs_n] = st;
        flt.rs_to[flt.rs_n++] = (int)to;
    }
    if (x) {
        flt.corrupt_mode = !strncmp(x, "truncate", 8) ? 1 : !strncmp(x, "flip", 4) ? 2 : 0;
        const char *colon = strchr(x, ':');
        flt.corrupt_n = colon ? atoi(colon + 1) : 1;
    }
}

static void die_now(const char *why, int64_t step)
{
    tyl_event(1, "killed", "rank=%d step=%lld at=%s", tyl_rt_rank_, (long long)step, why);
    fflush(stdout);
    fflush(stderr);
    raise(SIGKILL);
}

/* Damage a file of a finished checkpoint, as a disk or a careless user might. */
static void corrupt(const char *ck)
{
    char p[4400];
    snprintf(p, sizeof p, "%s/buf0.npy", ck);
    struct stat st;
    if (stat(p, &st) != 0 || st.st_size < 2)
        return;
    if (flt.corrupt_mode == 1) {
        if (truncate(p, st.st_size - (st.st_size - 128) / 2) != 0)
            return;
    } else {
        int fd = open(p, O_RDWR);
        if (fd < 0)
            return;
        off_t at = 128 + (st.st_size - 128) / 2;
        unsigned char b;
        if (pread(fd, &b, 1, at) == 1) {
            b ^= 0x10;
            if (pwrite(fd, &b, 1, at) != 1)
                b = 0;
        }
        close(fd);
    }
    tyl_event(0, "corrupted", "mode=%s checkpoint=%s", flt.corrupt_mode == 1 ? "truncate" : "flip", ck);
}

/* ---- writing --------------------------------------------------------------------------------- */

static int n_written;
static int first_step_pending; /* log first-step at the end of the first step after a resume */
static int64_t resumed_k = -1;
static int resumed_loop = -1;

/* The temporary folder rank 0 is filling (its name in ck_dir; empty between checkpoints) and
 * the last good checkpoint. A write that fails ends the job (np.save's own errors end it too):
 * at exit the partial folder is removed, so a full disk is not left full, and the user is told
 * which checkpoint is kept. */
static char wr_tmp[NAME_LEN + 8], wr_good[NAME_LEN];

static void wr_cleanup(void)
{
    if (tyl_rt_rank_ != 0 || !wr_tmp[0])
        return;
    tyl_ckd_remove(ck_dir, wr_tmp);
    if (wr_good[0])
        note("the partial checkpoint %s/%s was removed; the last good one, %s/%s, is kept (resume from it "
             "with --restart)", ck_dir, wr_tmp, ck_dir, wr_good);
    else
        note("the partial checkpoint %s/%s was removed; there is no earlier checkpoint", ck_dir, wr_tmp);
    wr_tmp[0] = '\0';
}

/* tyl_stop_grace.c's report, on its own thread while the main one waits in MPI: the job got
 * no further than a step boundary in grace seconds after a SIGTERM and is about to die of it.
 * A partial checkpoint goes; the complete ones stay, LATEST among them. */
static void stop_overdue(int grace)
{
    tyl_event(1, "stop-overdue", "rank=%d grace=%d", tyl_rt_rank_, grace);
    if (tyl_rt_rank_ != 0)
        return;
    char partial[sizeof wr_tmp], good[NAME_LEN] = "";
    snprintf(partial, sizeof partial, "%s", wr_tmp);
    if (partial[0])
        tyl_ckd_remove(ck_dir, partial);
    if (!wr_good[0])
        tyl_ckd_read_latest(ck_dir, good);
    else
        snprintf(good, sizeof good, "%s", wr_good);
    const char *why = "SIGTERM: no step boundary reached within %d s of the signal (TYLES_STOP_GRACE): a "
                      "rank is stuck in a collective, or waits for one that is; the job ends without a "
                      "checkpoint%s";
    char msg[1024];
    snprintf(msg, sizeof msg, why, grace, partial[0] ? " (the partial one was removed)" : "");
    if (good[0])
        note("%s; the last good one, %s/%s, is kept (resume from it with --restart)", msg, ck_dir, good);
    else
        note("%s; there is no earlier checkpoint", msg);
}

#ifndef TYL_NO_MPI
/* MPI_Finalize deletes MPI_COMM_SELF's attributes first, before the ranks synchronise: the
 * partial folder goes even when mpirun kills rank 0 as soon as another rank has exited 1, which
 * it may do before rank 0 reaches its atexit handlers. */
static int wr_cleanup_attr(MPI_Comm comm, int key, void *val, void *extra)
{
    (void)comm;
    (void)key;
    (void)val;
    (void)extra;
    wr_cleanup();
    return MPI_SUCCESS;
}
#endif

/* Collective: the worst errno of the ranks (rank 0's alone when only it worked); a failure is an
 * error of the whole job, with the system's reason and the file. */
static void wr_agree(int err, const char *what, const char *path)
{
    err = (int)-all_min(-(int64_t)err);
    if (err)
        tyl_rt_error_all("checkpoint", "cannot %s '%s': %s", what, path, strerror(err));
}

static void write_checkpoint(int loop, int64_t k, int64_t nk, const int *live)
{
    double t0 = tyl_wall_();
    tyl_ck_var *vars = tyl_ck_state_.vars;
    char name[NAME_LEN], tmpname[NAME_LEN + 8], tmp[4200], fin[4200], p[4400];
    snprintf(name, sizeof name, "ckpt-%03d-%012lld", loop, (long long)k);
    snprintf(tmpname, sizeof tmpname, ".tmp-%s", name);
    snprintf(tmp, sizeof tmp, "%s/%s", ck_dir, tmpname);
    snprintf(fin, sizeof fin, "%s/%s", ck_dir, name);
    tyl_ckd_lock(ck_dir); /* a run without checkpoint options takes the folder at its first one */
    int err = 0;
    if (tyl_rt_rank_ == 0) {
        if (!wr_good[0])
            tyl_ckd_read_latest(ck_dir, wr_good);
        if (tyl_ckd_mkdir_p(ck_dir) != 0)
            err = errno;
        else {
            tyl_ckd_remove(ck_dir, tmpname); /* a leftover, or whatever was planted under its name */
            if (mkdir(tmp, 0755) != 0) /* a new folder, never an existing one or a link's target */
                err = errno;
            else
                snprintf(wr_tmp, sizeof wr_tmp, "%s", tmpname);
        }
    }
    wr_agree(err, "create the checkpoint folder", tmp);

    ck_man m = {.hash = ck_hash, .loop = loop, .k = k, .nk = nk, .ranks = nranks()};
    int n = tyl_live_count(live);
    m.ent = calloc((size_t)n + 1, sizeof *m.ent);
    m.buf = calloc((size_t)n + 1, sizeof *m.buf);
    tyl_array **held = calloc((size_t)n + 1, sizeof *held);
    int64_t bytes = 0;
    for (int i = 0; i < n; i++) {
        tyl_ck_var *v = &vars[live[i]];
        ck_ent *e = &m.ent[m.nent++];
        snprintf(e->name, sizeof e->name, "%s", v->name);
        e->dt = v->type;
        if (v->rank == TYL_CK_STRING) {
            e->kind = ENT_STRING;
            e->str = strdup(tyl_str_get((int)(intptr_t)v->ptr));
            if (!e->str)
                abort();
            continue;
        }
        if (v->rank < 0) {
            e->kind = ENT_SCALAR;
            e->bits = tyl_ckm_bits(v->type, v->ptr);
            continue;
        }
        tyl_array *a = *(tyl_array **)v->ptr;
        if (!a) {
            e->kind = ENT_EMPTY;
            continue;
        }
        e->kind = ENT_ARRAY;
        e->buf = -1;
        for (int j = 0; j < m.nbuf; j++)
            if (held[j] == a)
                e->buf = j;
        if (e->buf >= 0)
            continue;
        e->buf = m.nbuf;
        held[m.nbuf] = a;
        ck_buf *f = &m.buf[m.nbuf++];
        snprintf(f->file, sizeof f->file, "buf%d.npy", e->buf);
        f->dt = a->dtype;
        f->rank = a->rank;
        for (int d = 0; d < a->rank; d++)
            f->shape[d] = a->shape[d];
        f->record = tyl_ckm_record_bytes(f->rank, f->shape, f->dt);
        int64_t db = tyl_ckm_data_bytes(f);
        f->nrec = (db + f->record - 1) / f->record;
        f->crc = calloc((size_t)f->nrec + 1, sizeof *f->crc);
        snprintf(p, sizeof p, "%s/%s", tmp, f->file);
        tyl_save_npy_nofollow_(p, a, "checkpoint"); /* on failure: its message, exit 1, wr_cleanup */
        bytes += db;
        /* the header np.save wrote, computed again here: every rank knows its length */
        char hdr[512];
        f->header = (int64_t)tyl_npy_header_(hdr, a);
        f->hcrc = tyl_crc32c(0, hdr, (size_t)f->header);
        /* np.save's MPI-IO writer can return with less on disk than it wrote and no error (a
         * full disk, seen with Open MPI on tmpfs): the file must hold its header and data */
        if (tyl_rt_rank_ == 0) {
            struct stat st;
            struct statvfs vs;
            if (lstat(p, &st) != 0)
                err = errno;
            else if ((int64_t)st.st_size != f->header + db)
                err = statvfs(tmp, &vs) == 0 && vs.f_bavail == 0 ? ENOSPC : EIO;
        }
        wr_agree(err, "write", p);
        errno = 0;
        err = tyl_ckm_crc_records(p, f, f->crc, NULL) == -2 ? (errno ? errno : EIO) : 0;
        wr_agree(err, "read back the checkpoint file", p);
        reduce_or(f->crc, f->nrec);
        err = tyl_rt_rank_ == 0 && tyl_ckd_fsync(p) != 0 ? errno : 0;
        wr_agree(err, "sync the checkpoint file", p);
    }
    free(held);

    n_written++;
    const char *what = "write", *where = fin;
    if (tyl_rt_rank_ == 0) {
        sbuf b = {0};
        tyl_ckm_text(&m, &b);
        snprintf(p, sizeof p, "%s/MANIFEST", tmp);
        err = tyl_ckd_write_new(p, b.s, b.len);
        free(b.s);
        where = p;
        if (!err && tyl_ckd_fsync(tmp) != 0) {
            err = errno;
            what = "sync";
            where = tmp;
        }
        if (!err && flt.kill_in_ckpt == n_written)
            die_now("checkpoint-before-rename", k); /* everything written, nothing renamed */
        /* the checkpoint LATEST named before this one is kept; everything else goes */
        char prev[NAME_LEN] = "";
        tyl_ckd_read_latest(ck_dir, prev);
        if (!err) {
            tyl_ckd_remove(ck_dir, name); /* a checkpoint of the same step (after a fall-back) */
            if (rename(tmp, fin) != 0 || tyl_ckd_fsync(ck_dir) != 0) {
                err = errno;
                what = "rename the checkpoint folder to";
                where = fin;
            } else
                wr_tmp[0] = '\0';
        }
        char lt[4200], lf[4200];
        snprintf(lt, sizeof lt, "%s/LATEST.tmp", ck_dir);
        snprintf(lf, sizeof lf, "%s/LATEST", ck_dir);
        if (!err) {
            char text[NAME_LEN + 2];
            int len = snprintf(text, sizeof text, "%s\n", name);
            unlink(lt); /* a leftover, or a planted link: it goes, its target is not touched */
            err = tyl_ckd_write_new(lt, text, (size_t)len);
            where = lt;
            if (!err && (rename(lt, lf) != 0 || tyl_ckd_fsync(ck_dir) != 0)) {
                err = errno;
                what = "update";
                where = lf;
            }
            if (!err)
                snprintf(wr_good, sizeof wr_good, "%s", name);
        }
        if (!err) {
            DIR *d = opendir(ck_dir);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                int stale = (tyl_ckd_is_name(e->d_name) && strcmp(e->d_name, name) && strcmp(e->d_name, prev)) ||
                            !strncmp(e->d_name, ".tmp-ckpt-", 10);
                if (stale)
                    tyl_ckd_remove(ck_dir, e->d_name);
            }
            if (d)
                closedir(d);
        }
    }
    /* rank 0 prints the error: the others' what and where are not used */
    tyl_ck_bcast_(&err, sizeof err);
    if (err)
        tyl_rt_error_all("checkpoint", "cannot %s '%s': %s", what, where, strerror(err));
    tyl_ckm_free(&m);
    double dt = tyl_wall_() - t0;
    tyl_event(0, "ckpt-write", "step=%lld bytes=%lld seconds=%.6f ranks=%d agree-every=%d dir=%s", (long long)k,
              (long long)bytes, dt, nranks(), tyl_ag_every_(), fin);
    if (tyl_rt_rank_ == 0 && flt.corrupt_mode && flt.corrupt_n == n_written)
        corrupt(fin);
}

/* ---- reading --------------------------------------------------------------------------------- */

static ck_man resume;     /* the checkpoint chosen by setup */
static char resume_path[4200];
static int resume_loop = -1;
static double restart_t0;

/* Whether the candidate checkpoint `name` is sound. Collective. On failure, why is set. */
static int verify(const char *name, ck_man *m, char *why)
{
    memset(m, 0, sizeof *m);
    char path[4200], p[4400];
    snprintf(path, sizeof path, "%s/%.63s", ck_dir, name);
    /* nothing is read through a link: whatever it points to is not a checkpoint of this folder */
    struct stat st;
    int64_t islink = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    tyl_ck_bcast_(&islink, sizeof islink);
    if (islink) {
        snprintf(why, REASON_LEN, "it is a symbolic link (checkpoints are read only from folders inside the "
                 "checkpoint folder)");
        return 0;
    }
    /* rank 0 reads the manifest and hands its bytes to everyone */
    int64_t len = -1;
    char *text = NULL;
    if (tyl_rt_rank_ == 0) {
        snprintf(p, sizeof p, "%s/MANIFEST", path);
        FILE *f = tyl_ckd_open_read(p);
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < ((int64_t)1 << 31)) {
            text = malloc((size_t)len + 1);
            fseek(f, 0, SEEK_SET);
            if (!text || fread(text, 1, (size_t)len, f) != (size_t)len)
                len = -1;
        } else
            len = -1;
        if (f)
            fclose(f);
    }
    tyl_ck_bcast_(&len, sizeof len);
    if (len < 0) {
        free(text);
        snprintf(why, REASON_LEN, "cannot read MANIFEST");
        return 0;
    }
    if (tyl_rt_rank_ != 0)
        text = malloc((size_t)len + 1);
    tyl_ck_bcast_(text, (size_t)len);
    text[len] = '\0';
    int ok = tyl_ckm_parse(text, (size_t)len, m, why);
    free(text);
    if (!ok)
        return 0;
    /* the folder's name is its loop and step as written: a manifest that says otherwise (step 7 in
     * ckpt-000-000000000090, checksums recomputed) resumed step 7 with step 90's arrays */
    char named[32];
    snprintf(named, sizeof named, "ckpt-%03d-%012lld", m->loop, (long long)m->k);
    if (strcmp(name, named)) {
        snprintf(why, REASON_LEN, "its MANIFEST says loop %d step %lld, but its name says otherwise", m->loop,
                 (long long)m->k);
        return 0;
    }
    /* every file: size, header checksum, then every record (the ranks share the work) */
    for (int i = 0; i < m->nbuf; i++) {
        ck_buf *f = &m->buf[i];
        snprintf(p, sizeof p, "%s/%s", path, f->file);
        int64_t code = 0; /* 0 fine, 1 missing, 2 size, 3 header, 4 not a plain file */
        if (lstat(p, &st) != 0)
            code = 1;
        else if (!S_ISREG(st.st_mode))
            code = 4;
        else if ((int64_t)st.st_size != f->header + tyl_ckm_data_bytes(f))
            code = 2;
        else if (tyl_rt_rank_ == 0) {
            char *hdr = malloc((size_t)f->header);
            FILE *fp = tyl_ckd_open_read(p);
            if (!hdr || !fp || fread(hdr, 1, (size_t)f->header, fp) != (size_t)f->header ||
                tyl_crc32c(0, hdr, (size_t)f->header) != f->hcrc)
                code = 3;
            if (fp)
                fclose(fp);
            free(hdr);
        }
        int64_t worst = -all_min(-code);
        if (worst == 1 || worst == 2) {
            if (worst == 1)
                snprintf(why, REASON_LEN, "%s is missing", f->file);
            else { /* shorter: truncated; longer: bytes appended after the data */
                long long has = (long long)st.st_size, want = (long long)(f->header + tyl_ckm_data_bytes(f));
                snprintf(why, REASON_LEN, has < want ? "%s has %lld bytes, the manifest says %lld (truncated: %lld "
                                                       "bytes missing)"
                                                     : "%s has %lld bytes, the manifest says %lld (%lld trailing "
                                                       "bytes after its data)",
                         f->file, has, want, has < want ? want - has : has - want);
            }
            return 0;
        }
        if (worst == 4) {
            snprintf(why, REASON_LEN, "%s is not a plain file (a symbolic link?)", f->file);
            return 0;
        }
        if (worst == 3) {
            snprintf(why, REASON_LEN, "%s: header checksum mismatch", f->file);
            return 0;
        }
        int64_t bad = tyl_ckm_crc_records(p, f, NULL, f->crc);
        bad = all_min(bad < 0 && bad != -2 ? INT64_MAX : bad == -2 ? -1 : bad);
        if (bad != INT64_MAX) {
            if (bad < 0)
                snprintf(why, REASON_LEN, "%s cannot be read", f->file);
            else
                snprintf(why, REASON_LEN, "%s: checksum mismatch in record %lld (bytes %lld-%lld of the data)",
                         f->file, (long long)bad, (long long)(bad * f->record),
                         (long long)((bad + 1) * f->record - 1));
            return 0;
        }
    }
    return 1;
}

/* Refuse a checkpoint this run cannot resume correctly (another program, other parameters). */
static void check_compatible(const ck_man *m, const char *name)
{
    char where[4200];
    snprintf(where, sizeof where, "%s/%.63s", ck_dir, name);
    int nloops = ck_nloops > 0 ? ck_nloops : 1; /* library mode: its checkpoints are loop 0 */
    if (m->hash == ck_hash && m->loop >= nloops)
        tyl_rt_error_all(where, "this checkpoint names time loop %d, but the program has %d; it is damaged "
                         "or forged (its checksums match its contents)", m->loop, nloops);
    if (m->hash != ck_hash)
        tyl_rt_error_all(where, "this checkpoint was written by another program (or another version of "
                         "it: identity %016llx, this program %016llx); restart from a checkpoint of this "
                         "program, or use another --checkpoint-dir",
                         (unsigned long long)m->hash, (unsigned long long)ck_hash);
    int np;
    tyl_param *pr = tyl_rt_params_(&np);
    for (int i = 0; i < np; i++) {
        const ck_ent *e = NULL;
        for (int j = 0; j < m->nent; j++)
            if (m->ent[j].kind == ENT_PARAM && !strcmp(m->ent[j].name, pr[i].name))
                e = &m->ent[j];
        uint64_t now = tyl_ckm_bits(pr[i].type, pr[i].ptr);
        if (!e || e->dt != pr[i].type || e->bits != now) {
            char a[64] = "?", b[64];
            if (e)
                tyl_ckm_show(a, sizeof a, e->dt, e->bits);
            tyl_ckm_show(b, sizeof b, pr[i].type, now);
            tyl_rt_error_all(where, "this checkpoint was taken with --%s=%s, this run has --%s=%s; "
                             "restart with the checkpoint's parameters", pr[i].name, a, pr[i].name, b);
        }
    }
}

static int lib_reading; /* tyl_ck_lib_read_ */

static void find_checkpoint(void)
{
    double t0 = tyl_wall_();
    restart_t0 = t0;
    /* rank 0 lists the candidates; every rank verifies each one with it */
    char names[64][NAME_LEN];
    int n = 0;
    if (tyl_rt_rank_ == 0) {
        char latest[NAME_LEN] = "";
        if (tyl_ckd_read_latest(ck_dir, latest))
            snprintf(names[n++], NAME_LEN, "%s", latest);
        char **v;
        int k = tyl_ckd_list(ck_dir, &v);
        for (int i = 0; i < k && n < 64; i++)
            if (strcmp(v[i], latest))
                snprintf(names[n++], NAME_LEN, "%s", v[i]);
        tyl_ckd_free_list(v, k);
    }
    tyl_ck_bcast_(&n, sizeof n);
    tyl_ck_bcast_(names, sizeof names);
    for (int i = 0; i < n; i++) {
        char why[REASON_LEN];
        ck_man m;
        if (verify(names[i], &m, why)) {
            resume = m; /* held before it can be refused: library mode returns from the error */
            check_compatible(&resume, names[i]);
            resume_loop = m.loop;
            if (!tyl_ck_opts_.restart_dir || !tyl_ck_opts_.dir || !strcmp(tyl_ck_opts_.dir, tyl_ck_opts_.restart_dir))
                snprintf(wr_good, sizeof wr_good, "%.63s", names[i]); /* new checkpoints go beside it */
            snprintf(resume_path, sizeof resume_path, "%s/%.63s", ck_dir, names[i]);
            tyl_event(0, "ckpt-verify", "dir=%s step=%lld seconds=%.6f", resume_path, (long long)m.k,
                      tyl_wall_() - t0);
            return;
        }
        tyl_ckm_free(&m);
        note("checkpoint %s/%s is unusable: %s; %s", ck_dir, names[i], why,
             i + 1 < n ? "trying the previous one" : "no other checkpoint is left");
        tyl_event(0, "ckpt-rejected", "dir=%s/%s reason=\"%s\"", ck_dir, names[i], why);
    }
    if (!lib_reading) /* tyl_ctx_restart reports it as its error */
        note(n ? "no valid checkpoint in %s: starting from the beginning" : "no checkpoint in %s: starting from the beginning",
             ck_dir);
}

/* ---- the interface of the generated code ----------------------------------------------------- */

/* A folder name that ck_dir cannot hold: an error, not checkpoints written to a name cut short
 * (a 4000-byte --checkpoint-dir wrote them into the folder of its first 3799 bytes). */
static void check_dir_len(const char *what, const char *dir)
{
    size_t n = strlen(dir);
    if (n >= sizeof ck_dir)
        tyl_rt_error_all(NULL, "cannot use the %s '%.40s...': %s (%zu bytes; at most %zu)", what, dir,
                         strerror(ENAMETOOLONG), n, sizeof ck_dir - 1);
}

void tyl_ck_setup(uint64_t hash, tyl_ck_var *vars, int nvars, int nloops)
{
    ck_hash = hash;
    ck_nloops = nloops;
    tyl_ck_state_.vars = vars;
    tyl_ck_state_.nvars = nvars;
    if (tyl_ck_opts_.dir)
        check_dir_len("checkpoint folder", tyl_ck_opts_.dir);
    if (tyl_ck_opts_.restart_dir)
        check_dir_len("checkpoint folder", tyl_ck_opts_.restart_dir);
    const char *dir = tyl_ck_opts_.restart_dir ? tyl_ck_opts_.restart_dir : tyl_ck_opts_.dir;
    if (dir)
        snprintf(ck_dir, sizeof ck_dir, "%s", dir);
    else
        snprintf(ck_dir, sizeof ck_dir, "%s.ckpt", tyl_ck_opts_.prog);
    if (!tyl_rs_spawned())
        faults_setup(); /* a fault is injected in the job as first launched */
    tyl_ck_recomm_();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tyl_stop_grace_setup_(stop_overdue);
    tyl_ulfm_setup_(ck_find, ck_drop_arrays);
    tyl_event(0, "init", "ranks=%d restart=%d", nranks(), tyl_ck_opts_.restart);
    if (tyl_rs_spawned()) {
        /* a process that joins a growing job resumes where its parents are */
        int64_t k, nk;
        resume_loop = tyl_rs_join(&k, &nk);
        resume.k = k;
        resume.nk = nk;
        return;
    }
    atexit(wr_cleanup);
#ifndef TYL_NO_MPI
    int key;
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, wr_cleanup_attr, &key, NULL);
    MPI_Comm_set_attr(MPI_COMM_SELF, key, NULL);
#endif
    if (tyl_ck_opts_.restart_dir) {
        /* --restart=DIR names a folder that must hold the run: a mistyped one would otherwise be
         * created by the lock below and the run would start again from the beginning, status 0
         * (an existing folder without a checkpoint still starts from the beginning, with a note:
         * the first run of a job script that always passes --restart) */
        int err = 0;
        struct stat st;
        if (tyl_rt_rank_ == 0 && stat(tyl_ck_opts_.restart_dir, &st) != 0)
            err = errno;
        else if (tyl_rt_rank_ == 0 && !S_ISDIR(st.st_mode))
            err = ENOTDIR;
        tyl_ck_bcast_(&err, sizeof err);
        if (err)
            tyl_rt_error_all(NULL, "cannot restart from '%s': %s", tyl_ck_opts_.restart_dir, strerror(err));
    }
    if (nloops > 0 && (tyl_ck_opts_.every > 0 || tyl_ck_opts_.restart || tyl_ck_opts_.dir)) {
        /* the folder checkpoints will be written to is this job's before any work is done */
        char keep[sizeof ck_dir];
        snprintf(keep, sizeof keep, "%s", ck_dir);
        if (tyl_ck_opts_.dir)
            snprintf(ck_dir, sizeof ck_dir, "%s", tyl_ck_opts_.dir);
        tyl_ckd_lock(ck_dir);
        snprintf(ck_dir, sizeof ck_dir, "%s", keep);
    }
    if (nloops == 0 && tyl_ck_opts_.every > 0)
        note("--checkpoint-every: this program has no time loop (a loop at its top level), so it "
             "takes no checkpoints");
    if (tyl_ck_opts_.restart) {
        if (nloops == 0)
            note("--restart: this program has no time loop, so it never writes checkpoints; "
                 "starting from the beginning");
        else
            find_checkpoint();
    }
    if (tyl_ck_opts_.restart_dir && tyl_ck_opts_.dir && strcmp(tyl_ck_opts_.dir, tyl_ck_opts_.restart_dir))
        snprintf(ck_dir, sizeof ck_dir, "%s", tyl_ck_opts_.dir); /* new checkpoints go there */
}

int tyl_ck_resume_loop(void) { return resume_loop; }

/* Per state-table entry: the shape its arrays have at the head of the loop being entered, from
 * the parameters (tyl_ck_expect; -1 where unknown), and whether it was given. */
static int64_t (*ck_expect)[TYL_MAX_RANK];
static char *ck_expected;

void tyl_ck_expect(int var, const int64_t *shape)
{
    if (var < 0 || var >= tyl_ck_state_.nvars)
        return;
    if (!ck_expect) {
        ck_expect = calloc((size_t)tyl_ck_state_.nvars, sizeof *ck_expect);
        ck_expected = calloc((size_t)tyl_ck_state_.nvars, 1);
        if (!ck_expect || !ck_expected)
            return;
    }
    for (int d = 0; d < tyl_ck_state_.vars[var].rank && d < TYL_MAX_RANK; d++)
        ck_expect[var][d] = shape[d];
    ck_expected[var] = 1;
}

/* The carried views' bounds to check (tyl_ck_expect_view): var indices. */
typedef struct ck_view {
    int var, dim, lo, st, len;
} ck_view;
static ck_view *ck_views;
static int ck_nviews, ck_capviews;

void tyl_ck_expect_view(int var, int dim, int lo, int st, int len)
{
    for (int i = 0; i < ck_nviews; i++) /* a loop entered again registers them again */
        if (ck_views[i].var == var && ck_views[i].dim == dim)
            return;
    if (ck_nviews == ck_capviews) {
        int cap = ck_capviews ? 2 * ck_capviews : 8;
        ck_view *n = realloc(ck_views, (size_t)cap * sizeof *n);
        if (!n)
            return; /* a check left out, as tyl_ck_expect's */
        ck_views = n;
        ck_capviews = cap;
    }
    ck_views[ck_nviews++] = (ck_view){var, dim, lo, st, len};
}

/* The checkpoint's entry of state table entry var (not a parameter), or NULL. */
static const ck_ent *resume_ent(int var)
{
    if (var < 0 || var >= tyl_ck_state_.nvars)
        return NULL;
    const char *name = tyl_ck_state_.vars[var].name;
    for (int j = 0; j < resume.nent; j++)
        if (resume.ent[j].kind != ENT_PARAM && !strcmp(resume.ent[j].name, name))
            return &resume.ent[j];
    return NULL;
}

/* A carried view whose bounds the checkpoint holds must lie in the array it holds: a forged
 * or hand-edited bound would have the loop read and write outside the array (a crash, a hang,
 * or another result). Refused as check_arrays refuses a shape. */
static void check_views(void)
{
    for (int i = 0; i < ck_nviews; i++) {
        const ck_view *v = &ck_views[i];
        const ck_ent *a = resume_ent(v->var), *lo = resume_ent(v->lo), *st = resume_ent(v->st),
                     *len = resume_ent(v->len);
        if (!a || !lo || lo->kind != ENT_SCALAR || (v->st >= 0 && (!st || !len || st->kind != ENT_SCALAR ||
                                                                   len->kind != ENT_SCALAR)))
            continue;
        int64_t ext = 0;
        if (a->kind == ENT_ARRAY) {
            const ck_buf *f = &resume.buf[a->buf];
            if (v->dim >= f->rank)
                continue; /* check_arrays refuses the rank */
            ext = f->shape[v->dim];
        } else if (a->kind != ENT_EMPTY)
            continue;
        const int64_t l = (int64_t)lo->bits, s = v->st >= 0 ? (int64_t)st->bits : 1,
                      n = v->st >= 0 ? (int64_t)len->bits : 1;
        int bad = n < 0 || (n > 0 && (l < 0 || l >= ext)); /* step 0: a broadcast, every point at lo */
        if (!bad && n > 1) { /* the last point, lo + (n - 1) * s, in [0, ext) without overflow */
            __int128 last = (__int128)l + (__int128)(n - 1) * s;
            bad = last < 0 || last >= ext;
        }
        if (bad)
            tyl_rt_error_all(resume_path, "checkpoint bounds of '%s' along axis %d (start %lld, step %lld, %lld "
                             "points) fall outside its array of extent %lld; refusing the checkpoint (no older "
                             "one is tried)", tyl_ck_state_.vars[v->var].name, v->dim, (long long)l, (long long)s,
                             (long long)n, (long long)ext);
    }
}

static void shape_text(char *buf, size_t n, int rank, const int64_t *shape)
{
    size_t at = (size_t)snprintf(buf, n, "(");
    for (int d = 0; d < rank && at < n; d++)
        at += (size_t)snprintf(buf + at, n - at, shape[d] < 0 ? "%s?" : "%s%lld", d ? ", " : "",
                               (long long)shape[d]);
    if (at < n)
        snprintf(buf + at, n - at, rank == 1 ? ",)" : ")");
}

/* A checkpoint that passed every checksum can still hold arrays this run cannot use: edited by
 * hand (checksums recomputed), or of a program whose shapes do not follow from the parameters
 * the manifest records. Resuming would run the loop on arrays of the wrong shape and give a
 * wrong result without an error, so the run stops, and no older checkpoint is tried: it was
 * written by the same hands. */
static void check_arrays(const int *live)
{
    tyl_ck_var *vars = tyl_ck_state_.vars;
    for (int i = 0; live[i] >= 0; i++) {
        tyl_ck_var *v = &vars[live[i]];
        const ck_ent *e = NULL;
        for (int j = 0; j < resume.nent; j++)
            if (resume.ent[j].kind != ENT_PARAM && !strcmp(resume.ent[j].name, v->name))
                e = &resume.ent[j];
        if (!e || v->rank < 0 || e->kind != ENT_ARRAY)
            continue;
        const ck_buf *f = &resume.buf[e->buf];
        if (f->dt != v->type)
            tyl_rt_error_all(resume_path, "checkpoint array '%s' is %s, this program's is %s; refusing the "
                             "checkpoint (no older one is tried)", v->name, tyl_dtype_name_(f->dt),
                             tyl_dtype_name_(v->type));
        int wrong = f->rank != v->rank;
        const int64_t *want = ck_expect && ck_expected[live[i]] ? ck_expect[live[i]] : NULL;
        for (int d = 0; !wrong && want && d < v->rank; d++)
            wrong = want[d] >= 0 && want[d] != f->shape[d];
        if (wrong) {
            char a[256], b[256] = "";
            shape_text(a, sizeof a, f->rank, f->shape);
            if (want)
                shape_text(b, sizeof b, v->rank, want);
            tyl_rt_error_all(resume_path, "checkpoint array '%s' has shape %s, this run computes %s from its "
                             "parameters; refusing the checkpoint (no older one is tried)", v->name, a,
                             want ? b : "another rank");
        }
    }
}

int64_t tyl_ck_enter(int loop, const int *live, int64_t *nk)
{
    in_loop = 1;
    tyl_ag_enter_(); /* the first step boundary agrees, then one in G */
    *nk = -1;
    if (loop != resume_loop) {
        tyl_loop_mark_(loop, 0);
        return 0;
    }
    resume_loop = -1;
    resumed_loop = loop;
    resumed_k = resume.k;
    *nk = resume.nk;
    first_step_pending = 1;
    if (tyl_rs_spawned()) {
        tyl_rs_receive(live);
        tyl_loop_mark_(loop, 0);
        return resume.k;
    }
    check_arrays(live);
    check_views();
    double t0 = tyl_wall_();
    tyl_ck_var *vars = tyl_ck_state_.vars;
    tyl_array **loaded = calloc((size_t)resume.nbuf + 1, sizeof *loaded);
    int64_t bytes = 0;
    for (int i = 0; live[i] >= 0; i++) {
        tyl_ck_var *v = &vars[live[i]];
        const ck_ent *e = NULL;
        for (int j = 0; j < resume.nent; j++)
            if (resume.ent[j].kind != ENT_PARAM && !strcmp(resume.ent[j].name, v->name))
                e = &resume.ent[j];
        if (!e || (v->rank == TYL_CK_STRING) != (e->kind == ENT_STRING))
            tyl_rt_error_all(resume_path, "the checkpoint has no value for '%s'", v->name);
        if (v->rank == TYL_CK_STRING) {
            tyl_str_reset((int)(intptr_t)v->ptr);
            tyl_str_add((int)(intptr_t)v->ptr, e->str);
            continue;
        }
        if (v->rank < 0) {
            tyl_ckm_store(v->type, v->ptr, e->bits);
            continue;
        }
        if (e->kind == ENT_EMPTY) {
            tyl_set((tyl_array **)v->ptr, NULL);
            continue;
        }
        if (!loaded[e->buf]) {
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", resume_path, resume.buf[e->buf].file);
            loaded[e->buf] = tyl_load_npy_l(p, v->type, v->rank, v->layout, "checkpoint");
            bytes += tyl_ckm_data_bytes(&resume.buf[e->buf]);
        }
        tyl_set((tyl_array **)v->ptr, tyl_ref(loaded[e->buf]));
    }
    for (int j = 0; j < resume.nbuf; j++)
        tyl_release(loaded[j]);
    free(loaded);
    tyl_event(0, "ckpt-read", "dir=%s step=%lld bytes=%lld seconds=%.6f ranks=%d", resume_path,
              (long long)resume.k, (long long)bytes, tyl_wall_() - t0, nranks());
    int64_t k = resume.k;
    tyl_ckm_free(&resume);
    tyl_loop_mark_(loop, 0); /* the loop's clocks start once its state is restored */
    return k;
}

/* A ULFM recovery (tyl_ulfm.c, which calls these two through the hooks tyl_ulfm_setup_ got):
 * search the checkpoint folder as --restart does (collective); the loop to resume in, -1 for
 * none. And: empty every array slot of the state. */
static int ck_find(void)
{
    tyl_ckm_free(&resume);
    resume_loop = -1;
    find_checkpoint();
    return resume_loop;
}

static void ck_drop_arrays(void)
{
    for (int i = 0; i < tyl_ck_state_.nvars; i++)
        if (tyl_ck_state_.vars[i].rank >= 0)
            tyl_set((tyl_array **)tyl_ck_state_.vars[i].ptr, NULL);
    in_loop = 0;
    first_step_pending = 0;
    tyl_ag_drop_();
}


enum { F_CKPT = 1, F_STOP = 2 };

/* This rank's flags at an agreement step k: signals, and on rank 0 the requests it finds. */
static int step_flags(int64_t k)
{
    int mine = 0, c = sig_ck;
    if (c != seen_ck) {
        seen_ck = c;
        mine |= F_CKPT;
    }
    /* A rescale request needs no signal: some mpirun builds do not forward SIGUSR1 (Open MPI
     * 4.1.6 on an Ubuntu GPU machine did not), so rank 0 also looks for the RESCALE file, at
     * most four times a second, and treats it as the signal. */
    if (tyl_rt_rank_ == 0) {
        static double last_look;
        double now = tyl_wall_();
        if (now - last_look >= 0.25) {
            char p[4200];
            last_look = now;
            snprintf(p, sizeof p, "%s/RESCALE", ck_dir);
            if (access(p, F_OK) == 0)
                mine |= F_CKPT;
        }
        /* the next pair once the last one's rescale is done (its flag is agreed on a step
         * later: taken at the next step, 9:3,10:2 dropped the 3 and asked for the 2 ranks it
         * had), at its step or the first agreement after it (tyl_agree.c makes one fall on it) */
        if (!flt.rs_pending && flt.rs_next < flt.rs_n && k >= flt.rs_step[flt.rs_next]) {
            flt.rs_pending = flt.rs_to[flt.rs_next++];
            mine |= F_CKPT;
        }
    }
    if (sig_stop)
        mine |= F_STOP;
    return mine;
}

/* The step of the next TYLES_FAULT_RESCALE pair, which an agreement must fall on (rank 0;
 * -1: none). */
static int64_t fixed_step(void)
{
    return tyl_rt_rank_ == 0 && flt.rs_next < flt.rs_n ? flt.rs_step[flt.rs_next] : -1;
}

void tyl_ck_step(int loop, int64_t k, int64_t nk, const int *live)
{
    if (first_step_pending && k > resumed_k) {
        first_step_pending = 0;
        tyl_event(0, "first-step", "step=%lld ranks=%d", (long long)k, nranks());
    }
    if (flt.armed) {
        if (flt.kill_step < 0) /* a random step of this loop */
            flt.kill_step = 1 + (int64_t)(splitmix(&flt.seed) % (uint64_t)(nk > 2 ? nk - 1 : 100));
        if (k == flt.kill_step) {
            flt.armed = 0;
            if (tyl_rt_rank_ == flt.kill_rank)
                die_now("step", k);
        }
    }
    /* the ranks agree at one step boundary in G (tyl_agree.c); the others only checkpoint
     * every K steps, which every rank knows without agreeing */
    int f = tyl_ag_boundary_(k) ? tyl_ag_step_(k, step_flags(k), fixed_step()) : 0;
    int want = (tyl_ck_opts_.every > 0 && k > 0 && k % tyl_ck_opts_.every == 0) || (f & (F_CKPT | F_STOP));
    if (want) /* a loop of row sums (pass_sched_rows) stores the rows summed so far first */
        tyl_rows_flush_();
    if (f & F_CKPT) {
        /* a rescale request in the folder turns SIGUSR1 into an in-process rescale */
        int to = 0;
        if (tyl_rt_rank_ == 0 && flt.rs_pending) {
            to = flt.rs_pending;
            flt.rs_pending = 0;
        } else if (tyl_rt_rank_ == 0) {
            char p[4200];
            snprintf(p, sizeof p, "%s/RESCALE", ck_dir);
            /* a plain file only: a FIFO named RESCALE blocked rank 0 in fopen (the job hung) */
            int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            struct stat st;
            if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0)) {
                close(fd);
                fd = -1;
            }
            FILE *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
            if (fd >= 0 && !fp)
                close(fd);
            if (fp) {
                if (fscanf(fp, "%d", &to) != 1 || to < 1)
                    to = 0;
                fclose(fp);
                unlink(p);
            }
        }
        tyl_ck_bcast_(&to, sizeof to);
        if (to > 0) {
            tyl_ag_finish_();
            tyl_rs_rescale(loop, k, nk, live, to);
            tyl_ag_reset_(); /* in step with new ranks, which start their agreement at this step */
            tyl_ag_step_(k, 0, fixed_step());
            first_step_pending = 1; /* the first step on the new ranks is logged */
            resumed_k = k;
            want = (f & F_STOP) != 0;
        }
    }
    if (want && !(loop == resumed_loop && k == resumed_k))
        write_checkpoint(loop, k, nk, live);
    if (f & F_STOP) {
        tyl_stop_grace_done_();
        tyl_ag_finish_();
        tyl_event(0, "stop", "step=%lld status=75", (long long)k);
        note("stopped at step %lld after a checkpoint in %s; resume with --restart", (long long)k, ck_dir);
        tyl_rt_exit_(75);
    }
}

void tyl_ck_leave(int loop)
{
    tyl_ag_finish_();
    int64_t boundaries, agreements;
    tyl_ag_counts_(&boundaries, &agreements);
    tyl_loop_steps_(loop, boundaries, agreements);
    tyl_loop_mark_(loop, 1); /* after the last step's agreement, which the loop waits for */
    in_loop = 0;
}

void tyl_ck_finalize_(void)
{
    tyl_ag_finish_();
    tyl_ck_drop_comm_();
    tyl_ckm_free(&resume);
    free(ck_expect);
    free(ck_expected);
    ck_expect = NULL;
    ck_expected = NULL;
    tyl_event(0, "done", "ranks=%d", nranks());
}

/* ---- library mode (tyl_ctx_checkpoint, tyl_ctx_restart in tyl_lib.c) ---------------------------
 *
 * The same folders, manifests and checks, written and read when the application asks: no
 * signals, no time loop (the step is the application's number, loop 0), no lock beyond rank
 * 0's on the first folder written. The state is the table vars[n] of array slots. */

/* The slots of the call in progress. An error returns from inside the call (longjmp), so what
 * a call allocates is held here and freed by the next one (tyl_ctx_restart refused again and
 * again leaked the table and the manifest each time). */
static int *lib_live;

static void lib_begin(const char *dir, uint64_t hash, tyl_ck_var *vars, int n, int **live)
{
    free(lib_live);
    lib_live = NULL;
    tyl_ckm_free(&resume); /* a refused checkpoint's manifest */
    check_dir_len("checkpoint folder", dir);
    snprintf(ck_dir, sizeof ck_dir, "%s", dir);
    ck_hash = hash;
    tyl_ck_state_.vars = vars;
    tyl_ck_state_.nvars = n;
    if (!tyl_ck_opts_.prog)
        tyl_ck_opts_.prog = "libtyles";
    *live = lib_live = calloc((size_t)n + 1, sizeof **live);
    if (!*live)
        tyl_rt_error("checkpoint", "out of memory");
    for (int i = 0; i < n; i++)
        (*live)[i] = i;
    (*live)[n] = -1;
}

void tyl_ck_lib_write_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n, int64_t step)
{
    int *live;
    lib_begin(dir, hash, vars, n, &live);
    write_checkpoint(0, step, -1, live);
    free(live);
    lib_live = NULL;
    tyl_ck_state_.vars = NULL;
}

int64_t tyl_ck_lib_read_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n)
{
    int *live;
    lib_begin(dir, hash, vars, n, &live);
    wr_good[0] = '\0';
    resume_loop = -1;
    lib_reading = 1;
    find_checkpoint();
    lib_reading = 0;
    int64_t k = -1, nk;
    if (resume_loop >= 0)
        k = tyl_ck_enter(resume_loop, live, &nk);
    in_loop = 0;
    resumed_loop = -1;
    first_step_pending = 0;
    free(live);
    lib_live = NULL;
    tyl_ck_state_.vars = NULL;
    return k;
}
