/* GMime 3 (Debian libgmime-3.0-dev), the MIME parser notmuch uses. GObject's type checks
   and casts are macros Swift cannot import, so the few Rapport needs are functions here. */
#include <gmime/gmime.h>

/* GMime's own initialisation is not thread-safe: Swift calls this once, from a static. */
static inline void rapport_gmime_init(void) { g_mime_init(); }

/* Parses one RFC 5322 message held in memory (GMime copies the bytes). NULL when GMime
   finds no message at all. */
static inline GMimeMessage *rapport_gmime_parse(const void *bytes, size_t length) {
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *)bytes, length);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    return message;
}

static inline void rapport_gmime_release(GMimeMessage *message) {
    if (message) g_object_unref(message);
}

/* A header's value as written (still folded, encoded words undecoded), or NULL. */
static inline const char *rapport_gmime_raw_header(GMimeMessage *message, const char *name) {
    GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(message));
    GMimeHeader *header = list ? g_mime_header_list_get_header(list, name) : NULL;
    return header ? g_mime_header_get_raw_value(header) : NULL;
}

/* RFC 2047 words decoded into UTF-8 (any charset iconv knows); free with g_free. */
static inline char *rapport_gmime_decode_words(const char *text) {
    return g_mime_utils_header_decode_text(NULL, text);
}

static inline int rapport_gmime_is_type(GMimeObject *object, const char *type, const char *subtype) {
    GMimeContentType *ct = g_mime_object_get_content_type(object);
    return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

/* The part whose text is the message's: in a multipart/alternative text/plain before
   text/html, elsewhere the first inline text/plain or text/html part; attachments and
   attached messages are skipped. NULL when there is none. */
static inline GMimeTextPart *rapport_gmime_body_part(GMimeObject *object, int depth) {
    if (object == NULL || depth > 32) return NULL;
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        int count = g_mime_multipart_get_count(multipart);
        int alternative = rapport_gmime_is_type(object, "multipart", "alternative");
        GMimeTextPart *html = NULL;
        for (int i = 0; i < count; i++) {
            GMimeTextPart *part = rapport_gmime_body_part(g_mime_multipart_get_part(multipart, i), depth + 1);
            if (part == NULL) continue;
            if (!alternative || rapport_gmime_is_type(GMIME_OBJECT(part), "text", "plain")) return part;
            if (html == NULL) html = part;
        }
        return html;
    }
    if (GMIME_IS_TEXT_PART(object)) {
        if (g_mime_part_is_attachment(GMIME_PART(object))) return NULL;
        if (rapport_gmime_is_type(object, "text", "plain") || rapport_gmime_is_type(object, "text", "html")) {
            return GMIME_TEXT_PART(object);
        }
    }
    return NULL;
}

static inline GMimeTextPart *rapport_gmime_message_body(GMimeMessage *message) {
    return rapport_gmime_body_part(g_mime_message_get_mime_part(message), 0);
}

static inline int rapport_gmime_is_html(GMimeTextPart *part) {
    return rapport_gmime_is_type(GMIME_OBJECT(part), "text", "html");
}

/* The part's bytes with their transfer encoding undone, converted to UTF-8 from the charset
   they declare unless it is UTF-8 or US-ASCII (or unknown to iconv, or absent: then as they
   are, for Swift to read as UTF-8 or windows-1252). Unlike g_mime_text_part_get_text, NUL bytes
   do not cut the text short. NULL when the part has no content; free with g_byte_array_free. */
static inline GByteArray *rapport_gmime_text_bytes(GMimeTextPart *part) {
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
    if (content == NULL) return NULL;
    GMimeStream *memory = g_mime_stream_mem_new();
    GMimeStream *filtered = g_mime_stream_filter_new(memory);
    const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
    if (charset != NULL && g_ascii_strcasecmp(charset, "utf-8") != 0 && g_ascii_strcasecmp(charset, "utf8") != 0
        && g_ascii_strcasecmp(charset, "us-ascii") != 0) {
        GMimeFilter *convert = g_mime_filter_charset_new(charset, "UTF-8");
        if (convert != NULL) {
            g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), convert);
            g_object_unref(convert);
        }
    }
    g_mime_data_wrapper_write_to_stream(content, filtered);
    g_mime_stream_flush(filtered);
    g_object_unref(filtered);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(memory), FALSE);
    g_object_unref(memory);
    return bytes;
}
