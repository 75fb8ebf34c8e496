/* SPDX-License-Identifier: MIT */
/*
 * Filesystem helpers of the container-building cases and benchmarks: paths,
 * directories, tmpfs, read-only binds, a root mirrored from the host's, and
 * pivot_root. Every function returns 0 (or a value) or -errno and leaves errno
 * as the failing call set it.
 */
#ifndef ISO_FSUTIL_H
#define ISO_FSUTIL_H

#include <stddef.h>

/* Joins a and b with a slash into buf (PATH_MAX bytes) and returns buf. */
char *iso_fs_path(char *buf, const char *a, const char *b);
/* Makes base/names[0..n-1] (mode 0755); one that exists is no error. Returns 0 or -errno. */
int iso_fs_mkdirs(const char *base, const char *const *names, size_t n);
/*
 * Makes the directory path (mode 0755; one that exists is no error) and mounts
 * a fresh tmpfs on it with mount flags (MS_NOEXEC, ...) and options ("size=1m").
 * Returns 0 or -errno.
 */
int iso_fs_tmpfs(const char *path, unsigned long flags, const char *opts);
/* Bind-mounts src on dst and remounts the bind read-only. Returns 0 or -errno. */
int iso_fs_bind_ro(const char *src, const char *dst);
/*
 * Mirrors the host's top-level entry /name into dir, as a container root built
 * from the host's needs it: a symlink is copied (merged-/usr systems), a
 * directory gets an empty one of its own (mode 0755; one that exists is no
 * error) for the caller to bind the host's onto. Returns 1 (a directory was
 * made), 0 (a symlink was copied, or /name is neither), -ENOENT (the host has
 * no /name) or -errno.
 */
int iso_fs_mirror_host(const char *dir, const char *name);
/* pivot_root(2) through syscall(). Returns 0 or -errno. */
int iso_fs_pivot_root(const char *new_root, const char *put_old);

#endif
