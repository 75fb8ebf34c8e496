// SPDX-License-Identifier: MIT
/*
 * Cgroup namespaces (cgroup_namespaces(7)): a process's cgroup at the time it
 * creates a cgroup namespace becomes the root of that namespace's view, both in
 * /proc/PID/cgroup and in a cgroup filesystem mounted from inside; and on the
 * v2 hierarchy a write to cgroup.procs is checked with the opener's credentials
 * and cgroup namespace (Documentation/admin-guide/cgroup-v2.rst, "Delegation
 * Containment"; the CVE-2021-4197 fix, Linux 5.16).
 *
 * Everything happens below the case's own cgroup X (iso_ctx_cgroup): X/a, X/b
 * and X/a/sub, which the runner removes with X.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "iso.h"
#include "nsgeneric/nsm.h"

#define CG_MS 3000 /* one command to a helper */
#define CG_LINGER_MS 10000 /* a helper waiting for its next command */
#define CG_TEXT 4096

#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* The sub-cgroups of one case; every pointer may be NULL. */
struct cg_tree {
	struct iso_cg *a, *b, *sub;
};

static void tree_free(struct cg_tree *t)
{
	/* The runner removes the directories with the case's cgroup. */
	iso_cg_free(t->a);
	iso_cg_free(t->b);
	iso_cg_free(t->sub);
}

/* The cgroup v2 directory of cg, or NULL. */
static const char *v2_dir(const struct iso_cg *cg)
{
	for (int i = 0; cg && i < cg->ndirs; i++)
		if (cg->layout->hier[cg->dir[i].hier].version == 2)
			return cg->dir[i].path;
	return NULL;
}

/*
 * A helper process that waits for commands: 1 = unshare(CLONE_NEWCGROUP),
 * 2 = drop to nobody, 3 = run the case's step, 0 = exit. It answers each with
 * 0 or -errno.
 */
struct helper_arg {
	int (*step)(void *arg); /* NULL: the helper only waits */
	void *arg;
	unsigned int linger_ms; /* the wait for each command */
};

static int helper(struct nsm_proc *self, void *arg)
{
	struct helper_arg *h = arg;
	int cmd, r;

	while (nsm_recv(self, &cmd, h->linger_ms) == 0 && cmd) {
		if (cmd == 1)
			r = unshare(CLONE_NEWCGROUP) < 0 ? -errno : 0;
		else if (cmd == 2)
			r = nsm_become_nobody();
		else
			r = h->step ? h->step(h->arg) : -EINVAL;
		nsm_send(self, r);
	}
	return 0;
}

/* Starts a helper and moves it into cg. Returns 0 or -errno. */
static int helper_in(struct nsm_proc *p, const struct iso_cg *cg, struct helper_arg *h)
{
	int r = nsm_proc_start(p, 0, helper, h);

	if (r < 0)
		return r;
	return iso_cg_attach(cg, p->pid);
}

/* ---- /proc/PID/cgroup ---- */

/*
 * Path of `to` as seen from a namespace rooted at `from` (both absolute, as
 * the same viewer sees them): "/" for the root, "/x/y" below it, "/../b"
 * beside it, as the kernel's cgroup_path_ns writes them.
 */
static void rel_path(const char *from, const char *to, char *out, size_t len)
{
	char f[CG_TEXT], t[CG_TEXT], *fs[64], *ts[64], *save;
	int nf = 0, nt = 0, k = 0;
	size_t off = 0;

	snprintf(f, sizeof(f), "%s", from);
	snprintf(t, sizeof(t), "%s", to);
	for (char *c = strtok_r(f, "/", &save); c && nf < 64; c = strtok_r(NULL, "/", &save))
		fs[nf++] = c;
	for (char *c = strtok_r(t, "/", &save); c && nt < 64; c = strtok_r(NULL, "/", &save))
		ts[nt++] = c;
	while (k < nf && k < nt && !strcmp(fs[k], ts[k]))
		k++;
	out[0] = '\0';
	for (int i = k; i < nf && off < len; i++)
		off += snprintf(out + off, len - off, "/..");
	for (int i = k; i < nt && off < len; i++)
		off += snprintf(out + off, len - off, "/%s", ts[i]);
	if (!out[0])
		snprintf(out, len, "/");
}

/* The path of hierarchy key ("4:memory:" or "0::") in a /proc/PID/cgroup text, or NULL. */
static const char *line_path(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl))
			continue;
		snprintf(buf, len, "%.*s", (int)strcspn(l + kl, "\n"), l + kl);
		return buf;
	}
	return NULL;
}

#define VIEWS 4 /* the observer itself, a process in X/b, one in X/a/sub, the case process */

struct views {
	pid_t pid[VIEWS];
	char inside[VIEWS][CG_TEXT]; /* /proc/PID/cgroup read by the observer after its unshare */
};

static int read_views(void *arg)
{
	struct views *v = arg;

	for (int i = 0; i < VIEWS; i++) {
		char path[64];
		ssize_t r;

		snprintf(path, sizeof(path), "/proc/%d/cgroup", i ? (int)v->pid[i] : (int)getpid());
		r = iso_read_file(path, v->inside[i], CG_TEXT);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Compares what the observer saw with the paths computed from the outside
 * views. Returns ISO_PASS or a fail verdict naming the first difference.
 */
static enum iso_verdict compare_views(struct iso_ctx *ctx, const struct views *v,
				      char outside[VIEWS][CG_TEXT])
{
	static const char *const who[VIEWS] = { "itself", "a process in a sibling cgroup",
						"a process in a child cgroup", "the case process" };
	bool dotdot = false;

	for (int i = 0; i < VIEWS; i++) {
		char *save = NULL, copy[CG_TEXT];

		snprintf(copy, sizeof(copy), "%s", outside[i]);
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char key[160], root[CG_TEXT], want[CG_TEXT], got[CG_TEXT];
			const char *c2 = strchr(l, ':') ? strchr(strchr(l, ':') + 1, ':') : NULL;

			if (!c2)
				continue;
			snprintf(key, sizeof(key), "%.*s", (int)(c2 + 1 - l), l);
			if (!line_path(outside[0], key, root, sizeof(root)))
				continue;
			rel_path(root, c2 + 1, want, sizeof(want));
			if (!line_path(v->inside[i], key, got, sizeof(got)))
				return iso_fail(ctx, "the observer's view of %s lacks hierarchy %s",
						who[i], key);
			if (strcmp(want, got))
				return iso_fail(
					ctx,
					"in the new cgroup namespace, hierarchy %s of %s reads "
					"%s, not %s",
					key, who[i], got, want);
			dotdot |= !strncmp(got, "/..", 3);
		}
	}
	if (!dotdot)
		return iso_broken(ctx, 0, "no process outside the namespace root was seen");
	return ISO_PASS;
}

/*
 * After unshare(CLONE_NEWCGROUP) in cgroup X/a, /proc/self/cgroup shows "/" for
 * each hierarchy, and other processes' paths are shown relative to that root:
 * "/sub" for X/a/sub, "/../b" for the sibling X/b, "/../leaf" for the case
 * process (cgroup_namespaces(7)). The expected paths are computed from the
 * outside views. Control: the observer creates no cgroup namespace.
 */
static enum iso_verdict proc_cgroup_relative_to_ns_root(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, CG_MS);
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);
	struct iso_cg *x = iso_ctx_cgroup(ctx);
	_cleanup_nsm_proc_ struct nsm_proc obs = NSM_PROC_INIT, sib = NSM_PROC_INIT,
					   kid = NSM_PROC_INIT;
	struct helper_arg h = { read_views, NULL, iso_ctx_ms(ctx, CG_LINGER_MS) };
	struct helper_arg idle = { NULL, NULL, iso_ctx_ms(ctx, CG_LINGER_MS) };
	struct cg_tree t = { 0 };
	char(*outside)[CG_TEXT] = NULL;
	enum iso_verdict v = ISO_PASS;
	struct views *vs;
	int r;

	if (!x)
		return iso_skip(ctx, "the case has no cgroup of its own");
	vs = iso_shared_alloc(sizeof(*vs));
	outside = calloc(VIEWS, CG_TEXT);
	if (!vs || !outside) {
		v = iso_broken(ctx, -ENOMEM, "memory");
		goto out;
	}
	h.arg = vs;
	r = iso_cg_create(l, x, "a", NULL, &t.a);
	if (r == 0)
		r = iso_cg_create(l, x, "b", NULL, &t.b);
	if (r == 0)
		r = helper_in(&obs, t.a, &h);
	/* Created after the observer moved into a: on v2, a keeps no controllers enabled. */
	if (r == 0)
		r = iso_cg_create(l, t.a, "sub", NULL, &t.sub);
	if (r == 0)
		r = helper_in(&sib, t.b, &idle);
	if (r == 0)
		r = helper_in(&kid, t.sub, &idle);
	if (r < 0) {
		v = iso_broken(ctx, r, "create X/a, X/b, X/a/sub and place processes in them");
		goto out;
	}
	vs->pid[0] = obs.pid;
	vs->pid[1] = sib.pid;
	vs->pid[2] = kid.pid;
	vs->pid[3] = getpid();
	for (int i = 0; i < VIEWS; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)vs->pid[i]);
		if ((r = iso_read_file(path, outside[i], CG_TEXT)) < 0) {
			v = iso_broken(ctx, r, "read %s", path);
			goto out;
		}
	}
	if (isolate && (r = nsm_ask(&obs, 1, ms)) < 0) {
		v = iso_broken(ctx, r, "unshare(CLONE_NEWCGROUP)");
		goto out;
	}
	r = nsm_ask(&obs, 3, ms);
	if (r < 0) {
		v = iso_broken(ctx, r, "the observer reads /proc/PID/cgroup");
		goto out;
	}
	iso_log(ctx, "observer outside:\n%s\ninside:\n%s", outside[0], vs->inside[0]);
	{
		char sibling[CG_TEXT];

		if (line_path(vs->inside[1], "0::", sibling, sizeof(sibling)))
			iso_note(ctx, "sibling_v2_seen_as", "%s", sibling);
	}
	v = compare_views(ctx, vs, outside);
out:
	nsm_proc_stop(&obs);
	nsm_proc_stop(&sib);
	nsm_proc_stop(&kid);
	tree_free(&t);
	free(outside);
	iso_shared_free(vs);
	return v;
}

/* ---- a cgroup2 mount from inside ---- */

/* Returns 1 if dir has entry name, 0 if not, or -errno. */
static int dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

struct mount_arg {
	char opts[256];
};

static int mount_cgroup2(void *arg)
{
	struct mount_arg *m = arg;

	return mount("cgroup2", "cg/mnt", "cgroup2", 0, m->opts[0] ? m->opts : NULL) < 0 ? -errno :
											   0;
}

/*
 * The cgroup2 superblock options of the host's mount without rw/ro: a mount
 * from the initial cgroup namespace applies its options (nsdelegate,
 * memory_recursiveprot, ...) to the whole hierarchy, so the control passes the
 * host's own to leave them as they are.
 */
static void host_v2_opts(const struct iso_cg_layout *l, char *buf, size_t len)
{
	char copy[256], *save = NULL;
	size_t off = 0;

	buf[0] = '\0';
	if (l->v2 < 0)
		return;
	snprintf(copy, sizeof(copy), "%s", l->hier[l->v2].options);
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, "rw") && strcmp(o, "ro") && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "", o);
}

/*
 * A cgroup2 filesystem mounted by a process in a cgroup namespace has the
 * namespace's root cgroup as its root: only the subtree below X/a is visible
 * (cgroup_namespaces(7)). The mount lives on a tmpfs in the case's private mount
 * namespace. Control: the child mounts without a cgroup namespace and sees the
 * hierarchy from its real root.
 */
static enum iso_verdict cgroup2_mount_shows_only_subtree(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, CG_MS);
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);
	struct iso_cg *x = iso_ctx_cgroup(ctx);
	_cleanup_nsm_proc_ struct nsm_proc c = NSM_PROC_INIT;
	struct mount_arg m = { "" };
	struct helper_arg h = { mount_cgroup2, &m, iso_ctx_ms(ctx, CG_LINGER_MS) };
	struct cg_tree t = { 0 };
	enum iso_verdict v = ISO_PASS;
	char procs[4096], want[32];
	int r;

	if (!x || !v2_dir(x))
		return iso_skip(ctx, "the case's cgroup has no cgroup v2 directory");
	if (!isolate)
		host_v2_opts(l, m.opts, sizeof(m.opts));
	if (mkdir("cg", 0755) < 0 || mount("tmpfs", "cg", "tmpfs", 0, "size=64k") < 0 ||
	    mkdir("cg/mnt", 0755) < 0)
		return iso_broken(ctx, -errno, "a tmpfs with a mount point");
	r = iso_cg_create(l, x, "a", NULL, &t.a);
	if (r == 0)
		r = iso_cg_create(l, x, "b", NULL, &t.b);
	if (r == 0)
		r = helper_in(&c, t.a, &h);
	if (r == 0)
		r = iso_cg_create(l, t.a, "sub", NULL, &t.sub);
	if (r < 0) {
		v = iso_broken(ctx, r, "create X/a, X/b, X/a/sub and move the child into X/a");
		goto out;
	}
	if (isolate && (r = nsm_ask(&c, 1, ms)) < 0) {
		v = iso_broken(ctx, r, "unshare(CLONE_NEWCGROUP)");
		goto out;
	}
	r = nsm_ask(&c, 3, ms);
	if (r < 0) {
		v = iso_broken(ctx, r, "the child mounts cgroup2 (options \"%s\")", m.opts);
		goto out;
	}
	iso_read_file("cg/mnt/cgroup.procs", procs, sizeof(procs));
	snprintf(want, sizeof(want), "%d", (int)c.pid);
	iso_note(ctx, "mount_root_procs", "%s", procs);
	if (dir_has("cg/mnt", "sub") != 1)
		v = iso_fail(ctx,
			     "the cgroup2 mount made in the namespace does not show X/a's child "
			     "sub at its root");
	else if (dir_has("cg/mnt", "b") != 0 || dir_has("cg/mnt", "leaf") != 0)
		v = iso_fail(ctx, "the mount shows X/a's siblings b or leaf at its root");
	else if (strcmp(procs, want))
		v = iso_fail(ctx,
			     "the mount root's cgroup.procs lists \"%s\", not only the child %s",
			     procs, want);
out:
	nsm_proc_stop(&c);
	tree_free(&t);
	return v;
}

/* ---- cgroup.procs write checks (CVE-2021-4197) ---- */

struct open_arg {
	char path[ISO_CG_PATH + 32];
};

/* Opens the target's cgroup.procs for writing; answers with the fd number. */
static int open_procs(void *arg)
{
	struct open_arg *o = arg;
	int fd = open(o->path, O_WRONLY); /* kept open: the case takes it with pidfd_getfd */

	return fd < 0 ? -errno : fd;
}

enum opener { OPENER_NOBODY, OPENER_CGROUPNS };

/*
 * One body for both cases (the variant says who opens the file):
 *
 * OPENER_NOBODY: on cgroup v2 a write to cgroup.procs is checked with the
 * credentials of the process that opened the file, not the writer's: an fd
 * opened by uid 65534, which may write the destination's cgroup.procs but not
 * that of the common ancestor X, cannot be used by root to move a process from
 * X/b to X/a/sub (EACCES) (cgroup-v2.rst, "Delegation Containment";
 * CVE-2021-4197, fixed in 5.16). Control: root opens the file.
 *
 * OPENER_CGROUPNS: with nsdelegate, a write to cgroup.procs is also checked
 * against the cgroup namespace of the opener: a file opened in a namespace
 * rooted at X/a cannot move a process from X/b, outside that namespace, even
 * when written by a process of the initial namespace (ENOENT) (cgroup-v2.rst;
 * CVE-2021-4197, 5.16). Control: the opener creates no cgroup namespace.
 */
static enum iso_verdict procs_write_case(struct iso_ctx *ctx)
{
	enum opener kind = *(const enum opener *)iso_ctx_arg(ctx);
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, CG_MS);
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);
	struct iso_cg *x = iso_ctx_cgroup(ctx);
	_cleanup_nsm_proc_ struct nsm_proc o = NSM_PROC_INIT, w = NSM_PROC_INIT;
	_cleanup_close_ int pidfd = -1, fd = -1;
	/* Shared: the path is known only after the opener was forked. */
	struct open_arg *oa = iso_shared_alloc(sizeof(*oa));
	struct helper_arg h = { open_procs, oa, iso_ctx_ms(ctx, CG_LINGER_MS) };
	struct helper_arg idle = { NULL, NULL, iso_ctx_ms(ctx, CG_LINGER_MS) };
	struct cg_tree t = { 0 };
	enum iso_verdict v = ISO_PASS;
	char pid[32], after[CG_TEXT], where[CG_TEXT];
	int r, err;

	if (!oa)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	if (!x || !v2_dir(x))
		v = iso_skip(ctx, "the case's cgroup has no cgroup v2 directory");
	else if (kind == OPENER_CGROUPNS && l->v2 >= 0 &&
		 !strstr(l->hier[l->v2].options, "nsdelegate"))
		v = iso_skip(ctx, "cgroup2 is mounted without nsdelegate: the opener's cgroup "
				  "namespace bounds migrations only at delegation boundaries "
				  "(cgroup-v2.rst, \"nsdelegate\"); it is a system-wide option "
				  "the case may not change");
	if (v != ISO_PASS)
		goto out;
	r = iso_cg_create(l, x, "a", NULL, &t.a);
	if (r == 0)
		r = iso_cg_create(l, x, "b", NULL, &t.b);
	if (r == 0)
		r = helper_in(&o, t.a, &h); /* the opener, in X/a */
	if (r == 0)
		r = iso_cg_create(l, t.a, "sub", NULL, &t.sub);
	if (r == 0)
		r = helper_in(&w, t.b, &idle); /* the process to move, in X/b */
	if (r < 0) {
		v = iso_broken(ctx, r, "create X/a, X/b, X/a/sub and place the processes");
		goto out;
	}
	snprintf(oa->path, sizeof(oa->path), "%s/cgroup.procs", v2_dir(t.sub));
	if (kind == OPENER_NOBODY) {
		/* Delegated to nobody: the destination's cgroup.procs only, not X's. */
		if (chown(oa->path, NSM_NOBODY, NSM_NOBODY) < 0) {
			v = iso_broken(ctx, -errno, "chown %s", oa->path);
			goto out;
		}
		if (isolate && (r = nsm_ask(&o, 2, ms)) < 0) {
			v = iso_broken(ctx, r, "the opener drops to uid %d", NSM_NOBODY);
			goto out;
		}
	} else if (isolate && (r = nsm_ask(&o, 1, ms)) < 0) {
		v = iso_broken(ctx, r, "unshare(CLONE_NEWCGROUP) in X/a");
		goto out;
	}
	r = nsm_ask(&o, 3, ms);
	if (r < 0) {
		v = iso_broken(ctx, r, "the opener opens %s", oa->path);
		goto out;
	}
	pidfd = iso_pidfd_open(o.pid);
	fd = pidfd < 0 ? pidfd : syscall(SYS_pidfd_getfd, pidfd, r, 0);
	if (fd < 0) {
		v = iso_broken(ctx, pidfd < 0 ? pidfd : -errno,
			       "take the opener's fd (pidfd_getfd)");
		goto out;
	}
	/* The case process (root, initial cgroup namespace) writes through the opener's fd. */
	snprintf(pid, sizeof(pid), "%d", (int)w.pid);
	err = write(fd, pid, strlen(pid)) < 0 ? -errno : 0;
	snprintf(where, sizeof(where), "/proc/%d/cgroup", (int)w.pid);
	iso_read_file(where, after, sizeof(after));
	iso_note(ctx, "write", "%s", err ? strerror(-err) : "accepted");
	if (err == 0)
		v = iso_fail(ctx,
			     "a process moved from X/b to X/a/sub through a cgroup.procs fd opened "
			     "by %s",
			     kind == OPENER_NOBODY ?
				     "an opener without write access to X/cgroup.procs" :
				     "an opener whose cgroup namespace (rooted at X/a) does not "
				     "contain X/b");
	else if (err != (kind == OPENER_NOBODY ? -EACCES : -ENOENT))
		v = iso_fail(ctx, "the write failed with %s, not %s", strerror(-err),
			     kind == OPENER_NOBODY ? "EACCES" : "ENOENT");
	else if (!line_path(after, "0::", where, sizeof(where)) ||
		 strcmp(where + (strlen(where) > 2 ? strlen(where) - 2 : 0), "/b"))
		v = iso_fail(ctx, "the write was refused but the process left X/b: %s", after);
out:
	nsm_proc_stop(&o);
	nsm_proc_stop(&w);
	tree_free(&t);
	iso_shared_free(oa);
	return v;
}

static const struct iso_case cases[] = {
	ISO_CASE(
		proc_cgroup_relative_to_ns_root,
		.doc = "in a new cgroup ns /proc/PID/cgroup shows / for the ns root, other paths "
		       "relative to it (cgroup_namespaces(7))",
		.timeout_ms = 5000,
		.req = { .root = true,
			 .root_for =
				 "a cgroup of the case's own, which isobench makes only as root or in a delegated cgroup v2 subtree (systemd-run --user --scope -p Delegate=yes)",
			 .ns = CLONE_NEWCGROUP }),
	ISO_CASE(cgroup2_mount_shows_only_subtree,
		 .doc = "cgroup2 mounted inside a cgroup ns is rooted at the ns root "
			"(cgroup_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = { .root = true, .ns = CLONE_NEWCGROUP, .cgroup = ISO_CGV_V2 }),
	ISO_VARIANT(procs_write_checked_with_opener_creds, procs_write_case,
		    ISO_ARG(enum opener, OPENER_NOBODY),
		    .doc = "v2 cgroup.procs writes are checked with the opener's credentials "
			   "(cgroup-v2.rst; CVE-2021-4197, 5.16)",
		    .timeout_ms = 5000,
		    .req = { .root = true, .kernel = "5.16", .cgroup = ISO_CGV_V2 }),
	ISO_VARIANT(
		procs_write_checked_with_opener_cgroupns, procs_write_case,
		ISO_ARG(enum opener, OPENER_CGROUPNS),
		.doc = "with nsdelegate, v2 cgroup.procs writes are bounded by the opener's cgroup ns "
		       "(cgroup-v2.rst; CVE-2021-4197, 5.16)",
		.timeout_ms = 5000,
		.req = { .root = true,
			 .ns = CLONE_NEWCGROUP,
			 .kernel = "5.16",
			 .cgroup = ISO_CGV_V2 }),
};

const struct iso_suite iso_suite_cgroupns = ISO_SUITE("cgroupns", cases);
