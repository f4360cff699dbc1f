/* inline_temps.h: what pass_inline_temps shares with pass_fuse_stages (not a general
 * interface): finding a temporary T defined by one sweep and only read after it in the same
 * block, and composing T's value with a view of T. */
#ifndef TYL_INLINE_TEMPS_H
#define TYL_INLINE_TEMPS_H

#include "ir.h"

/* A temporary: S_ALLOC at body[a], its defining sweep (value f) at body[a + 1], read by the
 * statements up to body[last], its life ending at body[end] (a release, or body->len). */
typedef struct inl_cand {
    ir_var *t;
    ir_expr *f;
    int a, last, end;
} inl_cand;

/* pass_inline_temps inlines a temporary read in at most this many places. */
enum { INL_MAX_USES = 3 };

/* The mentions of every slot in p (reads, extents, others), counted once so that inl_candidate
 * need not scan the whole program for each temporary; inl_apply keeps them. Only inl_apply may
 * change what p's statements mention while it is in use (stages are not counted). */
typedef struct inl_tally inl_tally;
inl_tally *inl_tally_of(ir_program *p);
/* Is body[a] such a temporary, read at most max_uses times, whose value's inputs do not change
 * before its last read? tl: p's tally (NULL: p is scanned). */
int inl_candidate(ir_program *p, inl_tally *tl, vec *body, int a, int max_uses, inl_cand *out);
/* Replace its reads by f composed with each read's view, and drop its definition and release
 * (and keep tl, if not NULL). */
void inl_apply(inl_tally *tl, vec *body, const inl_cand *c);
/* e with T's reads replaced by f composed (f NULL: kept) and T's extents by shape[]. */
ir_expr *inl_rewrite(ir_expr *e, ir_var *t, ir_expr *f, ir_expr **shape);
/* f's reads seen through view u of T (T's dimension k is f's box dimension k). */
ir_expr *inl_compose(ir_expr *f, ir_view *u);

#endif
