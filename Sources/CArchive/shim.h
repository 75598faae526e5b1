/* libarchive (Debian libarchive-dev): zip and tar archives read as they stream. */
#include <archive.h>
#include <archive_entry.h>

/* AE_IFREG and AE_IFDIR are casts Swift does not import. */
static inline int rapport_archive_entry_is_file(struct archive_entry *e) { return archive_entry_filetype(e) == AE_IFREG; }
static inline int rapport_archive_entry_is_dir(struct archive_entry *e) { return archive_entry_filetype(e) == AE_IFDIR; }
