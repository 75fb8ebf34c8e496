// SPDX-License-Identifier: MIT
/*
 * cgroup v1 hierarchy rules (Documentation/admin-guide/cgroup-v1/cgroups.rst):
 * controllers and hierarchies, membership, fork inheritance, tasks versus
 * cgroup.procs, notify_on_release with a release agent, clone_children.
 *
 * Named hierarchies (-o none,name=isb<tag>..) are mounted by the case itself on
 * a tmpfs in its private mount namespace, never on the host's hierarchies. A
 * v1 hierarchy outlives its last mount while it has child cgroups, so every
 * case removes its children, unmounts, and checks the hierarchy is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "iso.h"

/* A mounted hierarchy of the case's own. */
struct hier {
	char mnt[512];
	char name[32]; /* name= option, "" for controller-only mounts */
	bool mounted;
	pid_t procs[4]; /* processes of the case that live in the hierarchy: killed first */
};

/* Remembers a process to kill before the hierarchy is taken down. Returns pid. */
static pid_t track(struct hier *h, pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < ISO_ARRAY_SIZE(h->procs); i++)
		if (h->procs[i] <= 0) {
			h->procs[i] = pid;
			break;
		}
	return pid;
}

/* Mounts a tmpfs under the case dir once, then a cgroup v1 hierarchy below it. Returns 0 or -errno. */
static int hier_mount(struct iso_ctx *ctx, struct hier *h, const char *sub, const char *opts,
		      const char *name)
{
	char base[512], o[256];
	struct stat st;

	snprintf(base, sizeof(base), "%s/cg", iso_ctx_dir(ctx));
	if (stat(base, &st) < 0) {
		if (mkdir(base, 0755) < 0)
			return -errno;
		if (mount("isobench", base, "tmpfs", 0, "size=1m") < 0)
			return -errno;
	}
	snprintf(h->mnt, sizeof(h->mnt), "%s/%s", base, sub);
	if (mkdir(h->mnt, 0755) < 0 && errno != EEXIST)
		return -errno;
	h->name[0] = '\0';
	if (name) {
		snprintf(h->name, sizeof(h->name), "isb%s%s", iso_ctx_tag(ctx), name);
		snprintf(o, sizeof(o), "%s%sname=%s", opts, *opts ? "," : "", h->name);
	} else {
		snprintf(o, sizeof(o), "%s", opts);
	}
	if (mount("cgroup", h->mnt, "cgroup", 0, o) < 0)
		return -errno;
	h->mounted = true;
	return 0;
}

/* Removes sub-cgroups depth-first (cgroupfs files cannot be unlinked, only directories). */
static void rmdir_tree(const char *dir, bool self)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char sub[600];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		rmdir_tree(sub, true);
	}
	if (d)
		closedir(d);
	if (self)
		rmdir(dir);
}

/*
 * Unmounts and makes sure a named hierarchy is destroyed: removing a child just
 * before the unmount can leave the hierarchy alive, so remount and unmount
 * until it is gone. Returns 0 or -EBUSY.
 */
static int hier_umount(struct hier *h)
{
	/* Grandchildren first, then children; their zombies come back to us (subreaper). */
	for (int i = ISO_ARRAY_SIZE(h->procs) - 1; i >= 0; i--) {
		if (h->procs[i] > 0)
			kill(h->procs[i], SIGKILL);
		iso_kill_wait(h->procs[i]);
		h->procs[i] = 0;
	}
	/* Every child of the case is tracked and killed: wait for all of them. */
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	if (!h->mounted)
		return 0;
	/*
	 * Only a named hierarchy of our own is ours to empty. A controller mount
	 * (same_set, bound_busy's control) is the host's hierarchy seen again:
	 * never touch its cgroups.
	 */
	if (h->name[0])
		rmdir_tree(h->mnt, false);
	umount2(h->mnt, 0);
	h->mounted = false;
	return h->name[0] ? iso_cg_named_destroy(h->name) : 0;
}

/* True if pid is listed in dir/file. */
static bool listed(const char *dir, const char *file, pid_t pid)
{
	char path[600], buf[8192], *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (iso_read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (atoi(line) == pid)
			return true;
	return false;
}

/* Path of pid's cgroup in the named hierarchy, from /proc/PID/cgroup. Returns 0 or -ENOENT. */
static int cgroup_of(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64], buf[4096], pat[64], *p;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (iso_read_file(path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	snprintf(pat, sizeof(pat), ":name=%s:", name);
	p = strstr(buf, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

#define CG_WHERE 512
/*
 * Whether pid's cgroup in h is want ("/a"), from /proc/PID/cgroup; where (CG_WHERE bytes,
 * may be NULL) gets the cgroup found, "" if none.
 */
static bool in_cg(const struct hier *h, pid_t pid, const char *want, char *where)
{
	char buf[CG_WHERE] = "";

	cgroup_of(pid, h->name, buf, sizeof(buf));
	if (where)
		snprintf(where, CG_WHERE, "%s", buf);
	return !strcmp(buf, want);
}

/* Returns 0 or -errno. */
static int mkcg(const struct hier *h, const char *sub)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", h->mnt, sub);
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int move_to(const struct hier *h, const char *sub, const char *file, pid_t pid)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s/%s", h->mnt, sub, file);
	return iso_write_file(path, "%d", (int)pid);
}

/* Whether pid is listed in file of h's cgroup sub ("" for the root). */
static bool listed_in(const struct hier *h, const char *sub, const char *file, pid_t pid)
{
	char dir[600];

	snprintf(dir, sizeof(dir), "%s/%s", h->mnt, sub);
	return listed(dir, file, pid);
}

/*
 * Mounts a named hierarchy of the case's own (-o none,name=isb<tag><name>) at sub and
 * makes the child cgroups named in cgs (space-separated, may be ""). Returns ISO_PASS, a
 * skip when the mount fails, or broken.
 */
static enum iso_verdict named_hier(struct iso_ctx *ctx, struct hier *h, const char *sub,
				   const char *name, const char *cgs)
{
	char *save = NULL, *list = strdupa(cgs);
	int r = hier_mount(ctx, h, sub, "none", name);

	if (r < 0)
		return iso_skip(ctx, "cannot mount a named v1 hierarchy: %s", strerror(-r));
	for (char *c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		r = mkcg(h, c);
		if (r < 0)
			return iso_broken(ctx, r, "mkdir %s", c);
	}
	return ISO_PASS;
}

/* Finishes a case: the verdict stands unless the hierarchy could not be destroyed. */
static enum iso_verdict done(struct iso_ctx *ctx, struct hier *h, enum iso_verdict v)
{
	if (hier_umount(h) < 0)
		return iso_broken(ctx, -EBUSY, "named hierarchy %s outlived its unmount", h->name);
	return v;
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* ---- several controllers on one hierarchy ---- */

/* Two enabled v1 controllers bound to no hierarchy (hierarchy id 0 in /proc/cgroups). */
static int free_controllers(char *a, char *b, size_t len)
{
	/* Controllers with files of their own (perf_event has none: its presence cannot be seen). */
	static const char *const prefer[] = { "net_cls", "net_prio", "hugetlb", NULL };
	char buf[4096], v2[256] = "";
	int found = 0;

	if (iso_read_file("/proc/cgroups", buf, sizeof(buf)) < 0)
		return -ENOENT;
	iso_read_file("/sys/fs/cgroup/cgroup.controllers", v2, sizeof(v2));
	for (int i = 0; prefer[i] && found < 2; i++) {
		char pat[64], *p;
		int hid, en;

		snprintf(pat, sizeof(pat), "\n%s\t", prefer[i]);
		p = strstr(buf, pat);
		if (!p || sscanf(p + strlen(pat), "%d\t%*d\t%d", &hid, &en) != 2 || hid || !en)
			continue;
		snprintf(found ? b : a, len, "%s", prefer[i]);
		found++;
	}
	return found == 2 ? 0 : -ENOENT;
}

/* Whether dir has a file of controller ctrl ("<ctrl>.<knob>"). */
static bool has_files(const char *dir, const char *ctrl)
{
	DIR *d = opendir(dir);
	size_t n = strlen(ctrl);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d)))
		found = !strncmp(e->d_name, ctrl, n) && e->d_name[n] == '.';
	if (d)
		closedir(d);
	return found;
}

/*
 * Several controllers can be attached to one hierarchy: a mount with -o A,B
 * makes one hierarchy that both appear on (cgroups.rst 1.2, 2.1).
 * Control: mounts A alone and looks for B's files.
 */
/*
 * The v1 controllers bound to no hierarchy are one host-wide resource: another isobench run
 * binding them at the same moment would make this case skip. An flock, held until the case
 * process exits, takes turns with other runs (it never touches other programs).
 */
static void free_controllers_lock(void)
{
	int fd =
		open("/run/isobench/.lock-v1-free-controllers", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0)
		flock(fd, LOCK_EX);
}

static enum iso_verdict several_controllers_one_hierarchy(struct iso_ctx *ctx)
{
	bool both = !iso_ctx_is_control(ctx);
	struct hier h = { 0 };
	char a[32], b[32], opts[80];
	int r;

	free_controllers_lock();

	/* A hierarchy unmounted just before (this case, run before its control) is released
	 * asynchronously: give its controllers a moment to come free. */
	for (uint64_t end = iso_now_ms() + iso_ctx_ms(ctx, 2000);
	     free_controllers(a, b, sizeof(a)) < 0 && iso_now_ms() < end;)
		iso_sleep_ms(iso_ctx_ms(ctx, 20));
	if (free_controllers(a, b, sizeof(a)) < 0)
		return iso_skip(
			ctx,
			"needs two v1 controllers bound to no hierarchy (of net_cls, net_prio, hugetlb)");
	snprintf(opts, sizeof(opts), both ? "%s,%s" : "%s", a, b);
	r = hier_mount(ctx, &h, "multi", opts, NULL);
	if (r < 0)
		return iso_skip(ctx, "mount -t cgroup -o %s: %s", opts, strerror(-r));
	iso_note(ctx, "controllers", "%s", opts);
	if (!has_files(h.mnt, b))
		return done(ctx, &h,
			    iso_fail(ctx, "a hierarchy mounted with -o %s has no %s files", opts,
				     b));
	if (!has_files(h.mnt, a))
		return done(ctx, &h, iso_fail(ctx, "the hierarchy has no %s files", a));
	return done(ctx, &h, ISO_PASS);
}

/* ---- a bound controller cannot join another set; the same set reuses the hierarchy ---- */

/* A v1 hierarchy with controllers that our case cgroup lives in. */
static int bound_hier(struct iso_ctx *ctx, const char **ctrls, const char **dir)
{
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);

	for (int i = 0; i < l->nhier; i++) {
		if (l->hier[i].version != 1 || l->hier[i].name[0] || !l->hier[i].controllers[0])
			continue;
		*ctrls = l->hier[i].controllers;
		*dir = iso_cg_dir(iso_ctx_cgroup(ctx),
				  strtok(strdupa(l->hier[i].controllers), ","));
		if (*dir)
			return i;
	}
	return -ENOENT;
}

/*
 * A controller already attached to a hierarchy cannot be mounted together with a different
 * set of controllers: mount fails with EBUSY (cgroups.rst 2.1: "If an active hierarchy with
 * exactly the same set of subsystems already exists, it will be reused ... otherwise EBUSY").
 * Control: mounts exactly the hierarchy's own set, which is reused.
 */
static enum iso_verdict bound_controller_other_set_ebusy(struct iso_ctx *ctx)
{
	bool other_set = !iso_ctx_is_control(ctx);
	struct hier h = { 0 };
	const char *ctrls, *dir;
	int r;

	if (bound_hier(ctx, &ctrls, &dir) < 0)
		return iso_skip(ctx, "needs a v1 hierarchy with controllers");
	r = hier_mount(ctx, &h, "busy", ctrls, other_set ? "bz" : NULL);
	iso_note(ctx, "mount_opts", "%s%s", ctrls, other_set ? " + name=" : "");
	return done(ctx, &h,
		    iso_expect_errno(ctx, r, EBUSY, "mount -o %s%s", ctrls,
				     other_set ? ",name=..." : ""));
}

/*
 * Mounting exactly the same controller set again reuses the existing hierarchy:
 * the case's own cgroup is there, the same kernfs node.
 * Control: mounts a new named hierarchy instead, where the case's cgroup is not.
 */
static enum iso_verdict same_set_reuses_hierarchy(struct iso_ctx *ctx)
{
	bool same = !iso_ctx_is_control(ctx);
	struct hier h = { 0 };
	const char *ctrls, *dir, *rel;
	char there[1024];
	struct stat a, b;
	int i = bound_hier(ctx, &ctrls, &dir), r;

	if (i < 0)
		return iso_skip(ctx, "needs a v1 hierarchy with controllers");
	r = hier_mount(ctx, &h, "same", same ? ctrls : "none", same ? NULL : "ss");
	if (r < 0)
		return iso_broken(ctx, r, "mount -o %s", same ? ctrls : "none,name=..");
	/* Our cgroup relative to the cgroup isobench started in, which is relative to the mount. */
	rel = dir + strlen(iso_ctx_layout(ctx)->hier[i].mnt);
	snprintf(there, sizeof(there), "%s%s", h.mnt, rel);
	iso_note(ctx, "path", "%s", rel);
	if (stat(dir, &a) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "stat %s", dir));
	if (stat(there, &b) < 0)
		return done(ctx, &h,
			    iso_fail(ctx, "the case's cgroup %s is not in the new mount", rel));
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return done(ctx, &h, iso_fail(ctx, "%s is another cgroup in the new mount", rel));
	return done(ctx, &h, ISO_PASS);
}

/* ---- membership ---- */

/*
 * A new hierarchy starts with every task in its root cgroup (cgroups.rst 2.1:
 * "all tasks in the system are in the root cgroup").
 * Control: looks for them in a child cgroup instead of the root.
 */
static enum iso_verdict new_hierarchy_all_tasks_in_root(struct iso_ctx *ctx)
{
	const char *sub = iso_ctx_is_control(ctx) ? "child" : "";
	struct hier h = { 0 };
	enum iso_verdict v = named_hier(ctx, &h, "root", "rt", sub);

	if (v != ISO_PASS)
		return done(ctx, &h, v);
	if (!listed_in(&h, sub, "cgroup.procs", 1) || !listed_in(&h, sub, "cgroup.procs", getpid()))
		v = iso_fail(ctx, "init (pid 1) or the case is not in %s of the new hierarchy",
			     *sub ? "the child cgroup" : "the root");
	else if (!in_cg(&h, getpid(), "/", NULL))
		v = iso_fail(ctx, "/proc/self/cgroup does not show / for the new hierarchy");
	return done(ctx, &h, v);
}

/*
 * Within one hierarchy a task is in exactly one cgroup: adding it to another
 * removes it from the first; it is in cgroups of several hierarchies at once.
 * Control: leaves out the move from a to b.
 */
static enum iso_verdict one_cgroup_per_hierarchy(struct iso_ctx *ctx)
{
	bool second_move = !iso_ctx_is_control(ctx);
	const char *pd = iso_cg_dir(iso_ctx_cgroup(ctx), "pids");
	struct hier h = { 0 };
	enum iso_verdict v = named_hier(ctx, &h, "one", "on", "a b");
	char leaf[600];
	pid_t p;

	if (v != ISO_PASS)
		return done(ctx, &h, v);
	p = track(&h, iso_spawn(0, sleeper, NULL));
	if (p < 0)
		return done(ctx, &h, iso_broken(ctx, p, "set up"));
	if (move_to(&h, "a", "cgroup.procs", p) < 0 ||
	    (second_move && move_to(&h, "b", "cgroup.procs", p) < 0))
		return done(ctx, &h, iso_broken(ctx, -errno, "move"));
	if (listed_in(&h, "a", "cgroup.procs", p))
		return done(ctx, &h,
			    iso_fail(ctx, "after moving to b the task is still listed in a"));
	if (!listed_in(&h, "b", "cgroup.procs", p) || !in_cg(&h, p, "/b", NULL))
		return done(ctx, &h, iso_fail(ctx, "the task is not in b"));
	/* Meanwhile it is still in the case's cgroup of the other hierarchies. */
	snprintf(leaf, sizeof(leaf), "%s/leaf", pd ? pd : "");
	if (pd && !listed(leaf, "cgroup.procs", p))
		return done(ctx, &h, iso_fail(ctx, "the task left its pids cgroup"));
	return done(ctx, &h, ISO_PASS);
}

static int parent_forks(void *arg)
{
	int fd = *(int *)arg;
	pid_t c = iso_spawn(0, sleeper, NULL);

	/* Report the child's pid, then wait to be killed (the case kills both). */
	if (c < 0 || write(fd, &c, sizeof(c)) != sizeof(c))
		return 1;
	for (;;)
		pause();
	return 0;
}

/*
 * A forked child starts in its parent's cgroup and can be moved afterwards
 * without affecting the parent (cgroups.rst 1.3).
 * Control: moves the parent instead of the child.
 */
static enum iso_verdict fork_inherits_then_moves_alone(struct iso_ctx *ctx)
{
	bool move_child = !iso_ctx_is_control(ctx);
	struct hier h = { 0 };
	struct iso_sync go;
	char where[CG_WHERE];
	pid_t parent, child = -1;
	enum iso_verdict v = named_hier(ctx, &h, "fork", "fk", "a b");
	int fds[2], r;

	if (v != ISO_PASS)
		return done(ctx, &h, v);
	if (pipe(fds) < 0 || iso_sync_init(&go) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "set up"));
	/* The parent is moved to a before it forks: the child must start in a. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	parent = fork();
	if (parent == 0) {
		close(fds[0]);
		iso_sync_wait(&go, iso_ctx_ms(ctx, 10000));
		_exit(parent_forks(&fds[1]));
	}
	close(fds[1]);
	track(&h, parent);
	if (parent < 0 || move_to(&h, "a", "cgroup.procs", parent) < 0) {
		close(fds[0]);
		return done(ctx, &h, iso_broken(ctx, -errno, "fork and move the parent"));
	}
	iso_sync_wake(&go);
	iso_sync_close(&go);
	r = read(fds[0], &child, sizeof(child));
	close(fds[0]);
	if (r != sizeof(child) || child <= 0)
		return done(ctx, &h, iso_broken(ctx, -EIO, "no child pid"));
	track(&h, child);
	if (!in_cg(&h, child, "/a", where))
		return done(ctx, &h,
			    iso_fail(ctx, "the child started in %s, not in its parent's /a",
				     where));
	if (move_to(&h, "b", "cgroup.procs", move_child ? child : parent) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "move"));
	if (!in_cg(&h, parent, "/a", where))
		return done(ctx, &h,
			    iso_fail(ctx, "moving the child moved the parent to %s", where));
	if (!in_cg(&h, child, "/b", where))
		return done(ctx, &h, iso_fail(ctx, "the child is in %s, not /b", where));
	return done(ctx, &h, ISO_PASS);
}

/* ---- tasks versus cgroup.procs ---- */

struct threads {
	pid_t tid[2];
	struct iso_sync ready;
};

static void *thread_main(void *arg)
{
	struct threads *t = arg;

	t->tid[1] = (pid_t)syscall(SYS_gettid);
	iso_sync_wake(&t->ready);
	for (;;)
		pause();
	return NULL;
}

struct two_threads_arg {
	int fd; /* write end: the two tids */
	unsigned int ready_ms; /* how long to wait for the second thread */
};

static int two_threads(void *arg)
{
	struct two_threads_arg *a = arg;
	struct threads t = { .tid = { getpid(), 0 } };
	pthread_t th;

	if (iso_sync_init(&t.ready) < 0 || pthread_create(&th, NULL, thread_main, &t))
		return 1;
	if (iso_sync_wait(&t.ready, a->ready_ms) < 0)
		return 2;
	if (write(a->fd, t.tid, sizeof(t.tid)) != sizeof(t.tid))
		return 3;
	for (;;)
		pause();
	return 0;
}

/*
 * Writing a TID to tasks moves that thread only; writing a TGID to
 * cgroup.procs moves every thread of the process (cgroups.rst 2.2, 2.3).
 * Control: writes the TID to cgroup.procs instead of tasks.
 */
static enum iso_verdict tasks_moves_thread_procs_moves_process(struct iso_ctx *ctx)
{
	bool use_tasks = !iso_ctx_is_control(ctx);
	struct hier h = { 0 };
	struct two_threads_arg a;
	pid_t tid[2] = { 0, 0 };
	pid_t p;
	enum iso_verdict v = named_hier(ctx, &h, "thr", "th", "b");
	int fds[2];

	if (v != ISO_PASS)
		return done(ctx, &h, v);
	if (pipe(fds) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "set up"));
	a.fd = fds[1];
	a.ready_ms = iso_ctx_ms(ctx, 5000);
	p = track(&h, iso_spawn(0, two_threads, &a));
	close(fds[1]);
	if (p < 0 || read(fds[0], tid, sizeof(tid)) != sizeof(tid)) {
		close(fds[0]);
		return done(ctx, &h, iso_broken(ctx, p < 0 ? p : -EIO, "start two threads"));
	}
	close(fds[0]);
	iso_note(ctx, "tids", "%d %d", (int)tid[0], (int)tid[1]);
	/* Move the second thread alone. */
	if (move_to(&h, "b", use_tasks ? "tasks" : "cgroup.procs", tid[1]) < 0)
		return done(ctx, &h,
			    iso_broken(ctx, -errno, "write tid to %s",
				       use_tasks ? "tasks" : "cgroup.procs"));
	if (!listed_in(&h, "b", "tasks", tid[1]))
		return done(ctx, &h, iso_fail(ctx, "thread %d is not in b/tasks", (int)tid[1]));
	if (listed_in(&h, "b", "tasks", tid[0]) || !listed_in(&h, "", "tasks", tid[0]))
		return done(ctx, &h,
			    iso_fail(ctx, "writing thread %d moved its sibling %d too", (int)tid[1],
				     (int)tid[0]));
	/* Now the whole process. */
	if (move_to(&h, "b", "cgroup.procs", tid[0]) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "write tgid to cgroup.procs"));
	if (!listed_in(&h, "b", "tasks", tid[0]) || !listed_in(&h, "b", "tasks", tid[1]))
		return done(ctx, &h, iso_fail(ctx, "cgroup.procs did not move every thread"));
	return done(ctx, &h, ISO_PASS);
}

/* ---- release agent ---- */

/*
 * With notify_on_release set, the kernel runs the hierarchy's release_agent
 * with the cgroup's path when its last task leaves (cgroups.rst 1.4). The
 * agent runs in the initial namespaces, so its path is the host's.
 * Control: leaves notify_on_release at 0.
 */
static enum iso_verdict release_agent_runs_when_emptied(struct iso_ctx *ctx)
{
	bool notify = !iso_ctx_is_control(ctx);
	unsigned int poll_ms = iso_ctx_ms(ctx, 20);
	struct hier h = { 0 };
	char agent[600], marker[600], opts[700], nor[600], got[256] = "";
	pid_t p;
	int fd, r;

	snprintf(agent, sizeof(agent), "%s/agent.sh", iso_ctx_dir(ctx));
	snprintf(marker, sizeof(marker), "%s/released", iso_ctx_dir(ctx));
	fd = open(agent, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return iso_broken(ctx, -errno, "create %s", agent);
	dprintf(fd, "#!/bin/sh\necho \"$1\" >> %s\n", marker);
	close(fd);
	snprintf(opts, sizeof(opts), "none,release_agent=%s", agent);
	r = hier_mount(ctx, &h, "rel", opts, "ra");
	if (r < 0)
		return iso_skip(ctx, "cannot mount a named v1 hierarchy with a release agent: %s",
				strerror(-r));
	if (mkcg(&h, "r") < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "mkdir r"));
	snprintf(nor, sizeof(nor), "%s/r/notify_on_release", h.mnt);
	if (iso_write_file(nor, "%d", notify ? 1 : 0) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "write notify_on_release"));
	p = track(&h, iso_spawn(0, sleeper, NULL));
	if (p < 0 || move_to(&h, "r", "cgroup.procs", p) < 0)
		return done(ctx, &h, iso_broken(ctx, -errno, "move a task into r"));
	iso_kill_wait(p);
	h.procs[0] = 0;
	/* The last task left r: wait up to 250 polls (5 s, scaled) for the agent. */
	for (int i = 0; i < 250; i++) {
		if (iso_read_file(marker, got, sizeof(got)) > 0)
			break;
		iso_sleep_ms(poll_ms);
	}
	if (!got[0])
		return done(
			ctx, &h,
			iso_fail(
				ctx,
				"release agent did not run within %.3g s of r emptying (notify_on_release=%d)%s",
				250 * poll_ms / 1000.0, notify,
				notify ?
					"; in a container the agent path is resolved in the host's mount namespace" :
					""));
	iso_note(ctx, "agent_argument", "%s", got);
	if (strcmp(got, "/r"))
		return done(ctx, &h, iso_fail(ctx, "release agent was given %s, not /r", got));
	return done(ctx, &h, ISO_PASS);
}

/* ---- clone_children ---- */

/*
 * With cgroup.clone_children set in a cpuset cgroup, a new child copies the
 * parent's cpuset.cpus and cpuset.mems; without it they start empty
 * (cgroups.rst 1.6, cpusets.rst 1.7).
 * Control: leaves cgroup.clone_children at 0.
 */
static enum iso_verdict clone_children_copies_cpuset(struct iso_ctx *ctx)
{
	bool clone = !iso_ctx_is_control(ctx);
	const char *dir = iso_cg_dir(iso_ctx_cgroup(ctx), "cpuset");
	char p[600], c[600], f[700], cpus[64];

	if (!dir || iso_cg_controller_version(iso_ctx_layout(ctx), "cpuset") != 1)
		return iso_skip(ctx, "needs the cpuset controller on cgroup v1");
	snprintf(p, sizeof(p), "%s/cc", dir);
	if (mkdir(p, 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir %s", p);
	snprintf(f, sizeof(f), "%s/cpuset.effective_cpus", dir);
	iso_read_file(f, cpus, sizeof(cpus));
	cpus[strcspn(cpus, ",-")] = '\0'; /* the first cpu */
	snprintf(f, sizeof(f), "%s/cpuset.cpus", p);
	if (iso_write_file(f, "%s", cpus) < 0)
		return iso_broken(ctx, -errno, "write %s", f);
	snprintf(f, sizeof(f), "%s/cpuset.mems", p);
	if (iso_write_file(f, "0") < 0)
		return iso_broken(ctx, -errno, "write %s", f);
	snprintf(f, sizeof(f), "%s/cgroup.clone_children", p);
	if (iso_write_file(f, "%d", clone ? 1 : 0) < 0)
		return iso_broken(ctx, -errno, "write %s", f);
	snprintf(c, sizeof(c), "%s/child", p);
	if (mkdir(c, 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir %s", c);
	snprintf(f, sizeof(f), "%s/cpuset.cpus", c);
	{
		char got[64] = "";

		iso_read_file(f, got, sizeof(got));
		rmdir(c);
		rmdir(p);
		iso_note(ctx, "child_cpus", "%s", got);
		if (strcmp(got, cpus))
			return iso_fail(ctx, "child's cpuset.cpus is '%s', not the parent's '%s'",
					got, cpus);
	}
	return ISO_PASS;
}

/* What the cases that mount a hierarchy of their own need. */
#define V1_MOUNT_REQ                                                                               \
	{                                                                                          \
		.root = true, .root_for = "mounting cgroup v1 hierarchies and writing their files" \
	}

static const struct iso_case cases[] = {
	ISO_CASE(
		several_controllers_one_hierarchy,
		.doc = "one v1 hierarchy carries several controllers mounted together (cgroup-v1/cgroups.rst 2.1)",
		.req = V1_MOUNT_REQ),
	ISO_CASE(
		bound_controller_other_set_ebusy,
		.doc = "a controller on one hierarchy cannot be mounted with another set: EBUSY (cgroups.rst 2.1)",
		.req = { .root = true, .cgroup = ISO_CGV_V1 }),
	ISO_CASE(
		same_set_reuses_hierarchy,
		.doc = "mounting exactly the same controller set reuses the existing hierarchy (cgroups.rst 2.1)",
		.req = { .root = true, .cgroup = ISO_CGV_V1 }),
	ISO_CASE(
		new_hierarchy_all_tasks_in_root,
		.doc = "a new hierarchy starts with every task in its root cgroup (cgroups.rst 2.1)",
		.req = V1_MOUNT_REQ),
	ISO_CASE(
		one_cgroup_per_hierarchy,
		.doc = "a task is in one cgroup per hierarchy; moving it removes it from the first (cgroups.rst 1.3)",
		.req = V1_MOUNT_REQ),
	ISO_CASE(
		fork_inherits_then_moves_alone,
		.doc = "a forked child starts in its parent's cgroup and moves without the parent (cgroups.rst 1.3)",
		.req = V1_MOUNT_REQ),
	ISO_CASE(
		tasks_moves_thread_procs_moves_process,
		.doc = "a TID written to tasks moves one thread; a TGID to cgroup.procs moves all (cgroups.rst 2.2)",
		.req = V1_MOUNT_REQ),
	ISO_CASE(
		release_agent_runs_when_emptied,
		.doc = "notify_on_release runs the release agent with the cgroup path when it empties (cgroups.rst 1.4)",
		.timeout_ms = 15000, .req = V1_MOUNT_REQ),
	ISO_CASE(
		clone_children_copies_cpuset,
		.doc = "with cgroup.clone_children a new cpuset child copies its parent's cpus (cgroups.rst 1.6)",
		.req = { .root = true, .controllers = "cpuset@v1" }),
};

const struct iso_suite iso_suite_cgroupv1 = ISO_SUITE("cgroupv1", cases);
