/* lower.h: the front end's last step, from the syntax tree to the stencil IR.
 *
 * Requires: a module that parsed without errors.
 * Establishes: an ir_program where names are resolved to variables and slots, every function
 * call is inlined, every array statement is a sweep with its box and broadcasting decided,
 * static shape facts are checked (errors reported through diag) and the facts that depend on
 * run-time values are S_CHECK statements. Sweep modes are left M_DIRECT (pass_copysem decides).
 */
#ifndef TYL_LOWER_H
#define TYL_LOWER_H

#include "../ir/ir.h"
#include "ast.h"

ir_program *lower_module(ast *module, const char *source);

#endif
