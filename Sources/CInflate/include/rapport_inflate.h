#ifndef RAPPORT_INFLATE_H
#define RAPPORT_INFLATE_H

/// ISA-L's igzip inflate, loaded at run time with dlopen when `libisal.so.2` is installed
/// and compiled in when its header was present at build time, so that Rapport builds and
/// runs without it (zlib is the fallback).
typedef struct rapport_isal_stream rapport_isal_stream;

/// rapport_isal_inflate's results besides ISA-L's own negative error codes.
enum {
    RAPPORT_ISAL_PROGRESS = 0,    ///< input consumed or output filled; call again
    RAPPORT_ISAL_MEMBER_END = 100, ///< a gzip member ended, its CRC and length checked
    RAPPORT_ISAL_KEPT_INPUT = -100 ///< ISA-L held whole bytes past a member's end (never seen)
};

/// 1 when ISA-L can be used in this process.
int rapport_isal_available(void);

/// A new stream expecting a gzip member, or NULL when ISA-L is unavailable.
rapport_isal_stream *rapport_isal_open(void);
void rapport_isal_close(rapport_isal_stream *stream);

/// Prepares for the next gzip member after RAPPORT_ISAL_MEMBER_END.
void rapport_isal_restart(rapport_isal_stream *stream);

/// Inflates from `*next_in` into `*next_out`, advancing both. After a member ends, the
/// bytes that follow it are still in `*next_in`/`*avail_in`.
int rapport_isal_inflate(rapport_isal_stream *stream, const unsigned char **next_in, unsigned *avail_in,
                         unsigned char **next_out, unsigned *avail_out);

/// A short English text for one of ISA-L's error codes.
const char *rapport_isal_error_text(int code);

#endif
