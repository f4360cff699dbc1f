/* tyles_version.h: the version of Tyles, one place for tylesc (--version, the header of generated
 * files) and for the run-time library's header (tyles.h includes this file), so generated code can
 * check it is compiled against the library it was generated for. */
#ifndef TYLES_VERSION_H
#define TYLES_VERSION_H

#define TYLES_VERSION_MAJOR 0
#define TYLES_VERSION_MINOR 1
#define TYLES_VERSION_PATCH 0
#define TYLES_VERSION "0.1.0"
/* one number that orders versions: 10000 * MAJOR + 100 * MINOR + PATCH */
#define TYLES_VERSION_NUM (TYLES_VERSION_MAJOR * 10000 + TYLES_VERSION_MINOR * 100 + TYLES_VERSION_PATCH)

#endif
