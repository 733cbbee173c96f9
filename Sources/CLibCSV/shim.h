#ifndef WRITER_AUDIT_CLIBCSV_SHIM_H
#define WRITER_AUDIT_CLIBCSV_SHIM_H

#include <csv.h>
#include <stdlib.h>

/* libcsv's parser states (libcsv.c, stable since 3.0). libcsv keeps them private; the open-quote test
   below needs them to tell a cut-off last row from a complete one. */
#define WA_CSV_ROW_NOT_BEGUN 0
#define WA_CSV_FIELD_BEGUN 2

/* 1 when the parser is inside a quoted field that has not been closed yet. */
static inline int wa_csv_in_open_quote(const struct csv_parser *p) {
    return p->pstate == WA_CSV_FIELD_BEGUN && p->quoted;
}

/* 1 when the parser has consumed bytes of a record it has not delivered yet. */
static inline int wa_csv_row_begun(const struct csv_parser *p) {
    return p->pstate != WA_CSV_ROW_NOT_BEGUN;
}

#endif
