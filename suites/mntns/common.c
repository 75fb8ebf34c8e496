// SPDX-License-Identifier: MIT
/* Helpers of the mount-namespace suite: mountinfo parsing, scratch tmpfs, namespace holders. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mntns.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)). */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Returns 0 or -EINVAL. */
int mntns_mi_parse(char *line, struct mntns_mi *m)
{
	char *save = NULL, *tok;
	int field = 0, after = -1;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (after >= 0) {
			if (after == 0)
				snprintf(m->fstype, sizeof(m->fstype), "%s", tok);
			else if (after == 1)
				snprintf(m->source, sizeof(m->source), "%s", tok);
			after++;
			continue;
		}
		switch (field) {
		case 0:
			m->id = atoi(tok);
			break;
		case 1:
			m->parent = atoi(tok);
			break;
		case 2:
			break;
		case 3:
			unescape(tok);
			snprintf(m->root, sizeof(m->root), "%s", tok);
			break;
		case 4:
			unescape(tok);
			snprintf(m->mp, sizeof(m->mp), "%s", tok);
			break;
		case 5:
			snprintf(m->opts, sizeof(m->opts), "%s", tok);
			break;
		default:
			if (!strcmp(tok, "-"))
				after = 0;
			else if (!strncmp(tok, "shared:", 7))
				m->shared = atoi(tok + 7);
			else if (!strncmp(tok, "master:", 7))
				m->master = atoi(tok + 7);
			else if (!strncmp(tok, "propagate_from:", 15))
				m->from = atoi(tok + 15);
			else if (!strcmp(tok, "unbindable"))
				m->unbindable = true;
		}
	}
	return field >= 6 && after >= 1 ? 0 : -EINVAL;
}

/* Returns the count or -errno. */
ssize_t mntns_mi_load(pid_t pid, struct mntns_mi **out)
{
	char path[64], *txt = NULL, *line, *save = NULL;
	struct mntns_mi *v = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;

	*out = NULL;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return r;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			struct mntns_mi *nv;

			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				free(txt);
				return -ENOMEM;
			}
			v = nv;
		}
		if (mntns_mi_parse(line, &v[n]) == 0)
			n++;
	}
	free(txt);
	*out = v;
	return (ssize_t)n;
}

/* Returns the count or -errno; fills *top with the last (topmost) match. */
static int mi_scan(pid_t pid, const char *mp, struct mntns_mi *top)
{
	struct mntns_mi *v;
	ssize_t n = mntns_mi_load(pid, &v);
	int count = 0;

	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n; i++) {
		if (strcmp(v[i].mp, mp))
			continue;
		count++;
		if (top)
			*top = v[i];
	}
	free(v);
	return count;
}

/* Returns 1, 0 or -errno. */
int mntns_mi_find(pid_t pid, const char *mp, struct mntns_mi *out)
{
	int r = mi_scan(pid, mp, out);

	return r < 0 ? r : r > 0;
}

/* Returns the count or -errno. */
int mntns_mi_count(pid_t pid, const char *mp)
{
	return mi_scan(pid, mp, NULL);
}

void mntns_mi_fields(const struct mntns_mi *m, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (m->shared)
		off += snprintf(buf + off, len - off, "shared:%d", m->shared);
	if (m->master && off < len)
		off += snprintf(buf + off, len - off, "%smaster:%d", off ? " " : "", m->master);
	if (m->from && off < len)
		off += snprintf(buf + off, len - off, "%spropagate_from:%d", off ? " " : "",
				m->from);
	if (m->unbindable && off < len)
		off += snprintf(buf + off, len - off, "%sunbindable", off ? " " : "");
	if (!off)
		snprintf(buf, len, "private");
}

void mntns_note_fields(struct iso_ctx *ctx, const char *key, const struct mntns_mi *m)
{
	char f[96];

	mntns_mi_fields(m, f, sizeof(f));
	iso_note(ctx, key, "%s", f);
}

int mntns_find_noted(struct iso_ctx *ctx, const char *key, const char *mp, struct mntns_mi *m)
{
	struct mntns_mi own;
	int r = mntns_mi_find(0, mp, m ? m : &own);

	if (r == 1)
		mntns_note_fields(ctx, key, m ? m : &own);
	return r;
}

const char *mntns_type_name(enum mntns_type t)
{
	switch (t) {
	case MNS_SHARED:
		return "shared";
	case MNS_SLAVE:
		return "slave";
	case MNS_SHARED_SLAVE:
		return "shared-and-slave";
	case MNS_PRIVATE:
		return "private";
	case MNS_UNBINDABLE:
		return "unbindable";
	}
	return "?";
}

unsigned long mntns_type_flag(enum mntns_type t)
{
	switch (t) {
	case MNS_SHARED:
		return MS_SHARED;
	case MNS_SLAVE:
		return MS_SLAVE;
	case MNS_PRIVATE:
		return MS_PRIVATE;
	case MNS_UNBINDABLE:
		return MS_UNBINDABLE;
	case MNS_SHARED_SLAVE:
		break;
	}
	return 0;
}

bool mntns_fields_are(const struct mntns_mi *m, enum mntns_type t)
{
	switch (t) {
	case MNS_SHARED:
		return m->shared && !m->master && !m->unbindable;
	case MNS_SLAVE:
		return !m->shared && m->master && !m->unbindable;
	case MNS_SHARED_SLAVE:
		return m->shared && m->master && !m->unbindable;
	case MNS_PRIVATE:
		return !m->shared && !m->master && !m->unbindable;
	case MNS_UNBINDABLE:
		return !m->shared && !m->master && m->unbindable;
	}
	return false;
}

char *mntns_path(char *buf, const char *a, const char *b)
{
	snprintf(buf, PATH_MAX, "%s/%s", a, b);
	return buf;
}

/* Returns 0 or -errno. */
int mntns_tmpfs(const char *path)
{
	return mount("isobench", path, "tmpfs", 0, "size=256k,mode=0755") ? -errno : 0;
}

/* Returns 0 or -errno. */
int mntns_prop(const char *path, unsigned long flags)
{
	return mount(NULL, path, NULL, flags, NULL) ? -errno : 0;
}

/* Returns 0 or -errno. */
int mntns_rbind(const char *src, const char *dst)
{
	return mount(src, dst, NULL, MS_BIND | MS_REC, NULL) ? -errno : 0;
}

/* Returns 0 or -errno. */
int mntns_umount(const char *path)
{
	return umount2(path, 0) ? -errno : 0;
}

/* Returns 0 or -errno. */
int mntns_mkdirs(const char *base, const char *names)
{
	char name[256], path[PATH_MAX];
	const char *p = names;

	while (*p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (!n)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (mkdir(mntns_path(path, base, name), 0755) < 0 && errno != EEXIST)
			return -errno;
		p += n;
	}
	return 0;
}

/* Returns 0 or -errno. */
int mntns_scratch(struct iso_ctx *ctx, char *root, size_t len)
{
	int r;

	if ((size_t)snprintf(root, len, "%s/t", iso_ctx_dir(ctx)) >= len)
		return -ENAMETOOLONG;
	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = mntns_tmpfs(root);
	if (r < 0)
		return r;
	return mntns_prop(root, MS_PRIVATE);
}

/* Returns ISO_PASS, or the skip or broken verdict. */
enum iso_verdict mntns_scratch_with(struct iso_ctx *ctx, char *root, const char *dirs)
{
	int r = mntns_scratch(ctx, root, PATH_MAX);

	if (r == -ENODEV)
		return iso_skip(ctx, "tmpfs is not available (CONFIG_TMPFS)");
	if (r < 0 || (r = mntns_mkdirs(root, dirs)) < 0)
		return iso_broken(ctx, r, "mount a scratch tmpfs at %s", root);
	return ISO_PASS;
}

/* Returns 0 or -errno. */
int mntns_tmpfs_at(const char *base, const char *name, const char *dirs, char *out)
{
	int r = mntns_mkdirs(base, name);

	mntns_path(out, base, name);
	if (r < 0 || (r = mntns_tmpfs(out)) < 0)
		return r;
	return mntns_mkdirs(out, dirs);
}

/* Returns 0 or -errno. */
int mntns_tmpfs_with_copy(const char *base, const char *name, const char *peer, const char *dirs,
			  unsigned long flag, char *out)
{
	char p[PATH_MAX];
	int r = mntns_tmpfs_at(base, name, dirs, out);

	if (r < 0 || (flag && (r = mntns_prop(out, flag)) < 0) ||
	    (r = mntns_mkdirs(base, peer)) < 0)
		return r;
	return mntns_rbind(out, mntns_path(p, base, peer));
}

static int holder_main(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		pause();
	return 0;
}

/* Returns the pid or -errno. */
pid_t mntns_holder(bool newns)
{
	return iso_spawn(newns ? CLONE_NEWNS : 0, holder_main, NULL);
}

/* Returns 0 or -errno. */
int mntns_op_tmpfs(void *path)
{
	return mntns_tmpfs(path);
}

/* Returns 0 or -errno. */
int mntns_op_umount(void *path)
{
	return mntns_umount(path);
}

/* Returns op's result or -errno. */
int mntns_in_ns(struct iso_ctx *ctx, pid_t pid, int (*op)(void *arg), void *arg)
{
	char nspath[64];
	int fd, status = 0, r;
	pid_t child;

	if (!pid)
		return op(arg);
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/mnt", (int)pid);
	fd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	child = fork();
	if (child < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (child == 0) {
		if (setns(fd, CLONE_NEWNS) < 0)
			_exit(255);
		r = op(arg);
		_exit(r < 0 ? (-r & 0x7f) : 0);
	}
	close(fd);
	r = iso_wait_timeout(child, &status, iso_ctx_ms(ctx, 5000));
	if (r < 0) {
		iso_kill_wait(child);
		return r;
	}
	if (!WIFEXITED(status))
		return -ECHILD;
	if (WEXITSTATUS(status) == 255)
		return -ENOTRECOVERABLE; /* setns(2) into the namespace failed */
	return -WEXITSTATUS(status);
}
