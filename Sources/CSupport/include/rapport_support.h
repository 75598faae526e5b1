#ifndef RAPPORT_SUPPORT_H
#define RAPPORT_SUPPORT_H

/// Atomically exchanges two paths (Linux renameat2 RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set (ENOSYS/EINVAL where unsupported).
int rapport_rename_exchange(const char *from, const char *to);

#endif
