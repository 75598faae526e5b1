#include "rapport_inflate.h"
#include <stddef.h>

#if __has_include(<isa-l/igzip_lib.h>)
#include <dlfcn.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct rapport_isal_stream {
    struct inflate_state state;
};

static void (*isal_init_fn)(struct inflate_state *);
static void (*isal_reset_fn)(struct inflate_state *);
static int (*isal_inflate_fn)(struct inflate_state *);
static pthread_once_t isal_once = PTHREAD_ONCE_INIT;

// Loaded by name at run time: a machine without the library still runs Rapport (on zlib).
static void isal_load(void) {
    void *library = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) return;
    isal_init_fn = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_init");
    isal_reset_fn = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_reset");
    isal_inflate_fn = (int (*)(struct inflate_state *))dlsym(library, "isal_inflate");
    if (!isal_init_fn || !isal_reset_fn || !isal_inflate_fn) isal_inflate_fn = NULL;
}

int rapport_isal_available(void) {
    pthread_once(&isal_once, isal_load);
    return isal_inflate_fn != NULL;
}

rapport_isal_stream *rapport_isal_open(void) {
    if (!rapport_isal_available()) return NULL;
    rapport_isal_stream *stream = malloc(sizeof *stream);
    if (!stream) return NULL;
    memset(stream, 0, sizeof *stream);
    isal_init_fn(&stream->state);
    stream->state.crc_flag = ISAL_GZIP;  // parses the header, checks the trailer's CRC and length
    return stream;
}

void rapport_isal_close(rapport_isal_stream *stream) { free(stream); }

void rapport_isal_restart(rapport_isal_stream *stream) {
    isal_reset_fn(&stream->state);
    stream->state.crc_flag = ISAL_GZIP;
}

int rapport_isal_inflate(rapport_isal_stream *stream, const unsigned char **next_in, unsigned *avail_in,
                         unsigned char **next_out, unsigned *avail_out) {
    struct inflate_state *s = &stream->state;
    s->next_in = (uint8_t *)*next_in;
    s->avail_in = *avail_in;
    s->next_out = *next_out;
    s->avail_out = *avail_out;
    int rc = isal_inflate_fn(s);
    *next_in = s->next_in;
    *avail_in = s->avail_in;
    *next_out = s->next_out;
    *avail_out = s->avail_out;
    if (rc < 0) return rc;
    if (rc == ISAL_NEED_DICT) return ISAL_INVALID_WRAPPER;
    if (s->block_state == ISAL_BLOCK_FINISH) {
        // ISA-L hands back whole bytes read past the trailer; fewer than 8 bits may stay.
        if (s->read_in_length >= 8) return RAPPORT_ISAL_KEPT_INPUT;
        return RAPPORT_ISAL_MEMBER_END;
    }
    return RAPPORT_ISAL_PROGRESS;
}

const char *rapport_isal_error_text(int code) {
    switch (code) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check or length";
    case RAPPORT_ISAL_KEPT_INPUT: return "ISA-L kept input past the end of a member (set RAPPORT_INFLATE=zlib)";
    default: return "invalid data";
    }
}

#else

int rapport_isal_available(void) { return 0; }
rapport_isal_stream *rapport_isal_open(void) { return NULL; }
void rapport_isal_close(rapport_isal_stream *stream) { (void)stream; }
void rapport_isal_restart(rapport_isal_stream *stream) { (void)stream; }
int rapport_isal_inflate(rapport_isal_stream *stream, const unsigned char **next_in, unsigned *avail_in,
                         unsigned char **next_out, unsigned *avail_out) {
    (void)stream; (void)next_in; (void)avail_in; (void)next_out; (void)avail_out;
    return -1;
}
const char *rapport_isal_error_text(int code) { (void)code; return "ISA-L is not built in"; }

#endif
