/* tyl_ckpt_dir.c: the checkpoint folder. Files are created new (O_EXCL) and synced, read and
 * removed without following a symbolic link, so nothing planted in the folder makes a write or
 * a prune reach outside it; folders are listed newest first; LATEST names the newest; rank 0
 * holds DIR/LOCK for the job.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock */
#include "tyl_ckpt.h"
#include "runtime_mpi/tyl_mpi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- files and folders ------------------------------------------------------------------ */

int tyl_ckd_fsync(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Remove the entry `name` of the checkpoint folder: a folder (a checkpoint) is emptied of its
 * files and removed; anything else, a symbolic link above all, is unlinked itself. Nothing is
 * followed, so pruning never deletes a file outside the checkpoint folder, whatever was planted
 * in it (a checkpoint folder that is a link to the user's data, say). */
void tyl_ckd_remove(const char *dir, const char *name)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            unlinkat(dfd, name, 0);
        close(dfd);
        return;
    }
    DIR *d = fdopendir(fd);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(fd, e->d_name, 0); /* a link goes, not its target; a subfolder stays */
        closedir(d);
    } else
        close(fd);
    unlinkat(dfd, name, AT_REMOVEDIR);
    close(dfd);
}

int tyl_ckd_mkdir_p(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                return -1;
            *s = '/';
        }
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int tyl_ckd_is_name(const char *n)
{
    int L;
    long long k;
    char tail;
    return strlen(n) == 21 && sscanf(n, "ckpt-%3d-%12lld%c", &L, &k, &tail) == 2;
}

static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The checkpoint folders in dir, newest first (names sort by loop and step). */
int tyl_ckd_list(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    int n = 0, cap = 0;
    char **v = NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (tyl_ckd_is_name(e->d_name)) {
                if (n == cap) {
                    cap = cap ? 2 * cap : 16;
                    v = realloc(v, sizeof *v * (size_t)cap);
                }
                v[n++] = strdup(e->d_name);
            }
        closedir(d);
    }
    if (n)
        qsort(v, (size_t)n, sizeof *v, cmp_desc);
    *out = v;
    return n;
}

void tyl_ckd_free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Open a file of the checkpoint folder for reading, never through a symbolic link, and only a
 * plain file: a FIFO planted as MANIFEST or LATEST hung the restart for ever in open() (now
 * opened without waiting, then refused; NULL with errno EINVAL), a folder is refused too. */
FILE *tyl_ckd_open_read(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0)) {
        close(fd);
        fd = -1;
        errno = EINVAL;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    return f;
}

/* Write a new file (O_EXCL: never over another file, never through a link) and sync it. Returns
 * 0, or the errno of the failure with the file removed. */
int tyl_ckd_write_new(const char *path, const char *s, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    int err = 0;
    while (n > 0 && !err) {
        ssize_t w = write(fd, s, n);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        } else if (w == 0 || errno != EINTR)
            err = w == 0 ? EIO : errno;
    }
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err)
        unlink(path);
    return err;
}

int tyl_ckd_read_latest(const char *dir, char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/LATEST", dir);
    FILE *f = tyl_ckd_open_read(p);
    if (!f)
        return 0;
    int ok = fscanf(f, "%63s", name) == 1 && tyl_ckd_is_name(name);
    fclose(f);
    return ok;
}

/* ---- the lock ---------------------------------------------------------------------------------- */

static int lock_fd = -1; /* rank 0's LOCK file, held until the process ends */

/* Take the checkpoint folder for this job. Two jobs writing one folder destroy each other's
 * checkpoints (each prunes what it did not write), so rank 0 holds an flock on DIR/LOCK, which
 * names the job: rank 0's pid, host and start time. The kernel releases it when the process ends
 * in any way, so a job relaunched after the old one ended (by tylesrun, or a --restart) finds it
 * free; ranks that join or leave in a rescale never hold it (rank 0 stays). A second job stops
 * with the holder's name. Collective; nothing to do once held. */
void tyl_ckd_lock(const char *dir)
{
    int err = 0;
    char holder[300] = "", p[4200];
    if (tyl_rt_rank_ == 0 && lock_fd < 0) {
        snprintf(p, sizeof p, "%s/LOCK", dir);
        int fd = tyl_ckd_mkdir_p(dir) == 0 ? open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;
        if (fd < 0)
            err = errno;
        else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            err = errno;
            ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
            holder[n > 0 ? n : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            close(fd);
        } else {
            char host[256] = "?", when[64] = "?", text[400];
            gethostname(host, sizeof host);
            host[sizeof host - 1] = '\0';
            time_t now = time(NULL);
            struct tm tm;
            if (localtime_r(&now, &tm))
                strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &tm);
            int len = snprintf(text, sizeof text, "job %ld on %s since %s\n", (long)getpid(), host, when);
            if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len)
                len = 0; /* the lock holds all the same; only the name is missing */
            lock_fd = fd;
        }
    }
    tyl_ck_bcast_(&err, sizeof err);
    if (err == EWOULDBLOCK) {
        tyl_ck_bcast_(holder, sizeof holder);
        tyl_rt_error_all(NULL, "checkpoint folder '%s' is in use by %s; wait for that job to end, or give "
                         "this one another --checkpoint-dir", dir, holder[0] ? holder : "another job");
    }
    if (err)
        tyl_rt_error_all("checkpoint", "cannot lock the checkpoint folder: cannot open '%s/LOCK': %s", dir,
                         strerror(err));
}
