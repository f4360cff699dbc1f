/* tyl_ckpt.h: what the three files of checkpoints share (runtime/elastic; internal).
 *
 * tyl_ckpt.c      checkpoints written and read at step boundaries, --restart, signals, fault
 *                 injection, the library mode's entry points (the protocol: see its top)
 * tyl_ckpt_man.c  the MANIFEST format: its text, its parser, scalar bit patterns, the records
 *                 of a .npy file and their CRC32C (tyl_ckm_*)
 * tyl_ckpt_dir.c  the checkpoint folder: listing, LATEST, new files written and synced without
 *                 following links, pruning, the job's lock (tyl_ckd_*)
 */
#ifndef TYL_CKPT_H
#define TYL_CKPT_H

#include "tyl_elastic.h"

#include <stdint.h>
#include <stdio.h>

enum { CK_VERSION = 1, REASON_LEN = 512, NAME_LEN = 64 };

/* ---- tyl_ckpt_man.c ---------------------------------------------------------------------- */

typedef struct ck_buf {
    char file[NAME_LEN];
    tyl_dtype dt;
    int rank;
    int64_t shape[TYL_MAX_RANK];
    int64_t header, record, nrec; /* header bytes; record bytes; records */
    uint32_t hcrc;
    uint32_t *crc;
} ck_buf;

enum { ENT_SCALAR, ENT_ARRAY, ENT_EMPTY, ENT_PARAM, ENT_STRING };
typedef struct ck_ent {
    char name[128];
    int kind;
    tyl_dtype dt;
    uint64_t bits; /* scalars and parameters */
    int buf;       /* arrays */
    char *str;     /* run-time strings (malloc'd; tyl_ckm_free) */
} ck_ent;

typedef struct ck_man {
    uint64_t hash;
    int loop, ranks;
    int64_t k, nk;
    int nent, nbuf;
    ck_ent *ent;
    ck_buf *buf;
} ck_man;

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

void tyl_ckm_free(ck_man *m);
/* A scalar's value as 64 bits (its bit pattern, zero-extended) and back; and as people read it. */
uint64_t tyl_ckm_bits(tyl_dtype t, const void *p);
void tyl_ckm_store(tyl_dtype t, void *p, uint64_t b);
void tyl_ckm_show(char *buf, size_t n, tyl_dtype t, uint64_t b);
/* The manifest of m (with this run's parameters) appended to b, ending with its checksum. */
void tyl_ckm_text(const ck_man *m, sbuf *b);
/* Parse a manifest (text is modified). Returns 1, or 0 with the reason in why[REASON_LEN]. The
 * program hash and the parameters are compared by the caller. */
int tyl_ckm_parse(char *text, size_t len, ck_man *m, char *why);
/* Bytes per checksummed record of a buffer, and bytes of its data. */
int64_t tyl_ckm_record_bytes(int rank, const int64_t *shape, tyl_dtype dt);
int64_t tyl_ckm_data_bytes(const ck_buf *f);
/* CRC32C of this rank's share of a file's records: with expect, compare (the first mismatching
 * record, -2 for a read error, -1 if all match); without, store into crc[]. */
int64_t tyl_ckm_crc_records(const char *path, const ck_buf *f, uint32_t *crc, const uint32_t *expect);

/* ---- tyl_ckpt_dir.c ---------------------------------------------------------------------- */

int tyl_ckd_fsync(const char *path);
/* Remove an entry of the folder (a checkpoint folder and its files), following no link. */
void tyl_ckd_remove(const char *dir, const char *name);
int tyl_ckd_mkdir_p(const char *path);
/* ckpt-LLL-SSSSSSSSSSSS */
int tyl_ckd_is_name(const char *n);
/* The checkpoint folders in dir, newest first (*out: tyl_ckd_free_list). */
int tyl_ckd_list(const char *dir, char ***out);
void tyl_ckd_free_list(char **v, int n);
FILE *tyl_ckd_open_read(const char *path);
/* A new file (never over another, never through a link), synced: 0 or the errno. */
int tyl_ckd_write_new(const char *path, const char *s, size_t n);
/* LATEST's checkpoint name into name[NAME_LEN]: 1, or 0 if there is none. */
int tyl_ckd_read_latest(const char *dir, char *name);
/* Rank 0 takes DIR/LOCK for this job, or every rank stops with the holder's name. Collective. */
void tyl_ckd_lock(const char *dir);

/* ---- tyl_stop_grace.c: a SIGTERM that reaches no step boundary ends the job anyway --------- */

/* Starts the watch (once; TYLES_STOP_GRACE); on_overdue(grace) reports before the process dies. */
void tyl_stop_grace_setup_(void (*on_overdue)(int grace));
/* From the SIGTERM handler (async-signal-safe): the grace period starts. */
void tyl_stop_grace_start_(void);
/* The stop's checkpoint is written: the watch does nothing more. */
void tyl_stop_grace_done_(void);

/* tyl_ck_comm.c: rank 0's n bytes at p to every rank. */
void tyl_ck_bcast_(void *p, size_t n);

#endif
