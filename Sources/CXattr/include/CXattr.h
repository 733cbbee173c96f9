#ifndef WRITER_AUDIT_CXATTR_H
#define WRITER_AUDIT_CXATTR_H
#include <sys/types.h>
#include <sys/xattr.h>
#include <errno.h>

/* The errno of "no such attribute" (ENODATA on Linux, ENOATTR elsewhere), for Swift. */
static inline int wa_no_attribute_errno(void) {
#ifdef ENODATA
    return ENODATA;
#else
    return ENOATTR;
#endif
}
#endif
