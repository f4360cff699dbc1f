/* tyl_sdict.c: dicts of numbers keyed by strings known only when running, filled from text a
 * program reads (params[key.strip()] = float(val)) and read back by key (params["dx"]).
 *
 * Dict d (d >= 1, numbered by the compiler) keeps its keys in insertion order, as Python's,
 * with one value each, a double or an int64 as the compiler typed the dict. Keys are looked up
 * by a linear search: these dicts hold a file's parameters (tens of keys), and each lookup
 * stands outside the sweeps. The text is the same on every rank, so are the dicts; errors
 * (KeyError) are raised on every rank together. */

#include "tyl_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct sdict {
    char **keys;
    double *f;
    int64_t *i;
    int64_t n, cap;
} sdict;

static sdict *dicts_;
static int ndicts_;

static sdict *dict_at(int d, const char *where)
{
    if (d >= ndicts_) {
        int m = d + 8;
        sdict *p = realloc(dicts_, sizeof *p * (size_t)m);
        if (!p)
            tyl_rt_error(where, "MemoryError: out of memory for a dict");
        memset(p + ndicts_, 0, sizeof *p * (size_t)(m - ndicts_));
        dicts_ = p;
        ndicts_ = m;
    }
    return &dicts_[d];
}

/* d = {}: empty again */
void tyl_sdict_clear(int d)
{
    sdict *t = dict_at(d, NULL);
    for (int64_t k = 0; k < t->n; k++)
        free(t->keys[k]);
    t->n = 0;
}

static int64_t find(const sdict *t, const char *key)
{
    for (int64_t k = 0; k < t->n; k++)
        if (strcmp(t->keys[k], key) == 0)
            return k;
    return -1;
}

/* the slot of key in d, appended when new */
static int64_t slot(int d, const char *key, const char *where)
{
    sdict *t = dict_at(d, where);
    int64_t k = find(t, key);
    if (k >= 0)
        return k;
    if (t->n == t->cap) {
        int64_t cap = t->cap ? 2 * t->cap : 16;
        char **keys = realloc(t->keys, sizeof *keys * (size_t)cap);
        double *f = keys ? realloc(t->f, sizeof *f * (size_t)cap) : NULL;
        int64_t *i = f ? realloc(t->i, sizeof *i * (size_t)cap) : NULL;
        if (keys)
            t->keys = keys;
        if (f)
            t->f = f;
        if (!i)
            tyl_rt_error(where, "MemoryError: out of memory for a dict");
        t->i = i;
        t->cap = cap;
    }
    size_t n = strlen(key);
    if (!(t->keys[t->n] = malloc(n + 1)))
        tyl_rt_error(where, "MemoryError: out of memory for a dict");
    memcpy(t->keys[t->n], key, n + 1);
    t->f[t->n] = 0.0;
    t->i[t->n] = 0;
    return t->n++;
}

void tyl_sdict_set_f64(int d, const char *key, double x, const char *where)
{
    int64_t k = slot(d, key, where);
    dicts_[d].f[k] = x;
}
void tyl_sdict_set_i64(int d, const char *key, int64_t x, const char *where)
{
    int64_t k = slot(d, key, where);
    dicts_[d].i[k] = x;
}

/* d[key]: Python's KeyError (the key's repr) when it is not there */
static int64_t must_find(int d, const char *key, const char *where)
{
    int64_t k = d < ndicts_ ? find(&dicts_[d], key) : -1;
    if (k < 0) {
        size_t n = 4 * strlen(key) + 8;
        char *r = malloc(n);
        tyl_rt_error_all(where, "KeyError: %s", r ? tyl_py_repr_(key, r, n) : key);
    }
    return k;
}
double tyl_sdict_get_f64(int d, const char *key, const char *where) { return dicts_[d].f[must_find(d, key, where)]; }
int64_t tyl_sdict_get_i64(int d, const char *key, const char *where) { return dicts_[d].i[must_find(d, key, where)]; }

bool tyl_sdict_has(int d, const char *key) { return d < ndicts_ && find(&dicts_[d], key) >= 0; }
int64_t tyl_sdict_len(int d) { return d < ndicts_ ? dicts_[d].n : 0; }

void tyl_sdict_free_(void)
{
    for (int d = 0; d < ndicts_; d++) {
        tyl_sdict_clear(d);
        free(dicts_[d].keys);
        free(dicts_[d].f);
        free(dicts_[d].i);
    }
    free(dicts_);
    dicts_ = NULL;
    ndicts_ = 0;
}
