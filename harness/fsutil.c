// SPDX-License-Identifier: MIT
/* Filesystem helpers (see fsutil.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsutil.h"

char *iso_fs_path(char *buf, const char *a, const char *b)
{
	snprintf(buf, PATH_MAX, "%s/%s", a, b);
	return buf;
}

/* Returns 0 or -errno. */
int iso_fs_mkdirs(const char *base, const char *const *names, size_t n)
{
	char p[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (mkdir(iso_fs_path(p, base, names[i]), 0755) < 0 && errno != EEXIST)
			return -errno;
	return 0;
}

/* Returns 0 or -errno. */
int iso_fs_tmpfs(const char *path, unsigned long flags, const char *opts)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", path, "tmpfs", flags, opts) < 0)
		return -errno;
	return 0;
}

/* Returns 0 or -errno. */
int iso_fs_bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return -errno;
	return 0;
}

/* Returns 1, 0, -ENOENT or -errno. */
int iso_fs_mirror_host(const char *dir, const char *name)
{
	char src[PATH_MAX], p[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	iso_fs_path(src, "", name);
	if (lstat(src, &st) < 0)
		return -errno;
	iso_fs_path(p, dir, name);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlink(target, p) < 0 ? -errno : 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 1;
}

/* Returns 0 or -errno. */
int iso_fs_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old) < 0 ? -errno : 0;
}
