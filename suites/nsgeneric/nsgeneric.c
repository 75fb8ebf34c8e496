// SPDX-License-Identifier: MIT
/*
 * Rules common to every namespace type (namespaces(7), setns(2), unshare(2),
 * clone(2)): /proc/PID/ns links name namespaces, a process is in one namespace
 * of each type, setns joins by namespace fd or pidfd, invalid flag combinations
 * are refused, and a namespace lives exactly as long as something refers to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iso.h"
#include "nsgeneric/nsm.h"

/* Every namespace type: its /proc/PID/ns name, its flag, and the link unshare changes. */
static const struct ns_type {
	const char *name;
	unsigned long flag;
	const char *changed; /* pid and time: unshare moves only the children */
} types[] = {
	{ "cgroup", CLONE_NEWCGROUP, "cgroup" },
	{ "ipc", CLONE_NEWIPC, "ipc" },
	{ "mnt", CLONE_NEWNS, "mnt" },
	{ "net", CLONE_NEWNET, "net" },
	{ "pid", CLONE_NEWPID, "pid_for_children" },
	{ "time", CLONE_NEWTIME, "time_for_children" },
	{ "user", CLONE_NEWUSER, "user" },
	{ "uts", CLONE_NEWUTS, "uts" },
};

/* Every link of /proc/PID/ns, with the type each names. */
static const struct {
	const char *link, *type;
	unsigned long flag;
} links[] = {
	{ "cgroup", "cgroup", CLONE_NEWCGROUP }, { "ipc", "ipc", CLONE_NEWIPC },
	{ "mnt", "mnt", CLONE_NEWNS },		 { "net", "net", CLONE_NEWNET },
	{ "pid", "pid", CLONE_NEWPID },		 { "pid_for_children", "pid", CLONE_NEWPID },
	{ "time", "time", CLONE_NEWTIME },	 { "time_for_children", "time", CLONE_NEWTIME },
	{ "user", "user", CLONE_NEWUSER },	 { "uts", "uts", CLONE_NEWUTS },
};

#define NLINKS ISO_ARRAY_SIZE(links)

/* Root, or root in a user namespace of its own, and namespace types ns_ (and more). */
#define NSG_REQ_USERNS(ns_, ...)                                          \
	{                                                                 \
		.root = true, .userns_ok = true, .ns = (ns_), __VA_ARGS__ \
	}

static bool have_link(const char *link)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", link);
	return access(path, F_OK) == 0;
}

static int pause_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/*
 * A helper that unshares the flags it is sent (0: exit) and answers 0 or -errno.
 * After CLONE_NEWPID it forks a child into the new PID namespace: until one
 * exists, pid_for_children cannot be read (namespaces(7)). arg: how long it
 * waits for the next command (unsigned int ms).
 */
static int unsharer(struct nsm_proc *self, void *arg)
{
	unsigned int linger_ms = *(const unsigned int *)arg;
	pid_t kid = 0;
	int flags, r;

	while (nsm_recv(self, &flags, linger_ms) == 0 && flags) {
		r = unshare(flags) < 0 ? -errno : 0;
		if (r == 0 && (flags & CLONE_NEWPID) && !kid) {
			kid = iso_spawn(0, pause_forever, NULL);
			r = kid < 0 ? kid : 0;
		}
		nsm_send(self, r);
	}
	iso_kill_wait(kid);
	return 0;
}

/* readlink of /proc/PID/ns/LINK into buf. Returns 0 or -errno. */
static int ns_readlink(pid_t pid, const char *link, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, link);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* ---- links identify namespaces ---- */

/*
 * /proc/PID/ns/X names the process's namespace of type X by a stable inode
 * (st_dev/st_ino, the same through stat and an opened fd, and the readlink
 * text "type:[inode]"); two processes are in the same namespace exactly when
 * their links match (namespaces(7), "The /proc/[pid]/ns/ directory"). For each
 * type a child unshares it: then exactly that link differs from ours (for pid
 * and time, the *_for_children link). Control: the child unshares nothing.
 */
static enum iso_verdict ns_links_identify_namespaces(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, 3000), linger_ms = iso_ctx_ms(ctx, 10000);
	pid_t me = getpid();
	int tested = 0;

	for (size_t t = 0; t < ISO_ARRAY_SIZE(types); t++) {
		_cleanup_nsm_proc_ struct nsm_proc a = NSM_PROC_INIT;
		int r;

		if (!have_link(types[t].changed))
			continue;
		r = nsm_proc_start(&a, 0, unsharer, &linger_ms);
		if (r >= 0 && isolate)
			r = nsm_ask(&a, (int)types[t].flag, ms);
		if (r < 0)
			return iso_broken(ctx, r, "a child that unshares %s", types[t].name);
		for (size_t l = 0; l < NLINKS; l++) {
			struct nsm_id mine, again, theirs;
			char lmine[64], ltheirs[64];
			_cleanup_close_ int fd = -1;
			bool should_differ = !strcmp(links[l].link, types[t].changed);
			bool same;

			if (!have_link(links[l].link))
				continue;
			fd = nsm_ns_open(0, links[l].link);
			if (fd < 0 || nsm_ns_id(0, links[l].link, &mine) < 0 ||
			    nsm_fd_id(fd, &again) < 0 ||
			    nsm_ns_id(a.pid, links[l].link, &theirs) < 0 ||
			    ns_readlink(me, links[l].link, lmine, sizeof(lmine)) < 0 ||
			    ns_readlink(a.pid, links[l].link, ltheirs, sizeof(ltheirs)) < 0)
				return iso_broken(ctx, -errno, "stat/readlink /proc/PID/ns/%s",
						  links[l].link);
			if (!nsm_id_eq(&mine, &again))
				return iso_fail(ctx,
						"/proc/self/ns/%s and an fd opened on it name "
						"different inodes",
						links[l].link);
			same = nsm_id_eq(&mine, &theirs);
			if (same != !strcmp(lmine, ltheirs))
				return iso_fail(ctx, "the %s links read %s and %s but stat says %s",
						links[l].link, lmine, ltheirs,
						same ? "same" : "different");
			if (same == should_differ)
				return iso_fail(ctx,
						"after the child unshared %s, its %s link %s ours "
						"(%s vs %s)",
						types[t].name, links[l].link,
						same ? "still matches" : "differs from", ltheirs,
						lmine);
		}
		nsm_send(&a, 0);
		nsm_proc_wait(&a, ms);
		tested++;
	}
	iso_note(ctx, "types_tested", "%d", tested);
	return ISO_PASS;
}

/* ---- one namespace of each type ---- */

#define JOIN_FLAGS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWNS)

struct join_seen {
	pid_t target;
	char fail[256]; /* empty: every check held */
	int err;
};

/* Joins each namespace of the target through its /proc/PID/ns fd, checking membership. */
static int join_each(void *arg)
{
	struct join_seen *s = arg;

	for (size_t l = 0; l < NLINKS; l++) {
		struct nsm_id before[NLINKS], after, target;
		int fd, type;

		if (!(links[l].flag & JOIN_FLAGS) || !have_link(links[l].link))
			continue;
		for (size_t k = 0; k < NLINKS; k++)
			if (have_link(links[k].link))
				nsm_ns_id(0, links[k].link, &before[k]);
		fd = nsm_ns_open(s->target, links[l].link);
		if (fd < 0 || nsm_fd_id(fd, &target) < 0) {
			s->err = fd < 0 ? fd : -errno;
			return 1;
		}
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type >= 0 && (unsigned long)type != links[l].flag) {
			snprintf(s->fail, sizeof(s->fail), "NS_GET_NSTYPE of %s says 0x%x",
				 links[l].link, type);
			return 0;
		}
		if (setns(fd, 0) < 0) {
			s->err = -errno;
			snprintf(s->fail, sizeof(s->fail), "setns into %s", links[l].link);
			return 1;
		}
		close(fd);
		for (size_t k = 0; k < NLINKS; k++) {
			bool moved;

			if (!have_link(links[k].link))
				continue;
			nsm_ns_id(0, links[k].link, &after);
			moved = !nsm_id_eq(&after, &before[k]);
			if (k == l && (!moved || !nsm_id_eq(&after, &target))) {
				snprintf(s->fail, sizeof(s->fail),
					 "after setns into the target's %s the link %s",
					 links[l].link,
					 moved ? "names a third namespace" :
						 "still names the namespace it had");
				return 0;
			}
			if (k != l && moved && strcmp(links[k].type, links[l].type)) {
				snprintf(s->fail, sizeof(s->fail),
					 "setns into a %s namespace also changed the %s link",
					 links[l].link, links[k].link);
				return 0;
			}
		}
	}
	return 0;
}

/*
 * A process is in exactly one namespace of each type: /proc/self/ns holds one
 * link per type naming a namespace of that type (NS_GET_NSTYPE agrees), and
 * setns(2) into another process's namespace of a type replaces the link of that
 * type, leaving the others (namespaces(7), setns(2)). Control: the target has
 * no namespaces of its own, so joining changes nothing.
 */
static enum iso_verdict one_namespace_per_type(struct iso_ctx *ctx)
{
	_cleanup_nsm_proc_ struct nsm_proc h = NSM_PROC_INIT;
	_cleanup_shared_ struct join_seen *s = NULL;
	int r;

	/* The ns directory holds one link per type (two for pid and time), each of its type. */
	for (size_t l = 0; l < NLINKS; l++) {
		char text[64], want[32];

		if (!have_link(links[l].link))
			continue;
		if (ns_readlink(getpid(), links[l].link, text, sizeof(text)) < 0)
			return iso_broken(ctx, -errno, "readlink /proc/self/ns/%s", links[l].link);
		snprintf(want, sizeof(want), "%s:[", links[l].type);
		if (strncmp(text, want, strlen(want)))
			return iso_fail(ctx, "/proc/self/ns/%s reads %s", links[l].link, text);
	}
	s = iso_shared_alloc(sizeof(*s));
	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	r = nsm_hold(ctx, &h, iso_ctx_is_control(ctx) ? 0 : JOIN_FLAGS);
	if (r < 0)
		return iso_broken(ctx, r, "clone the target");
	s->target = h.pid;
	r = nsm_call(0, join_each, s, iso_ctx_ms(ctx, 3000));
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : s->err, "join the target's namespaces: %s",
				  s->fail);
	if (s->fail[0])
		return iso_fail(ctx, "%s", s->fail);
	return ISO_PASS;
}

/* ---- setns with a pidfd ---- */

#define PIDFD_FLAGS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

struct pidfd_seen {
	pid_t target;
	int flags; /* what to join */
	int err; /* setns: 0 or -errno */
	unsigned long changed; /* CLONE_NEW* of links that changed */
	unsigned long matched; /* CLONE_NEW* of links that now match the target's */
};

static int join_pidfd(void *arg)
{
	struct pidfd_seen *s = arg;
	struct nsm_id before[NLINKS], after, target;
	int pfd = iso_pidfd_open(s->target);

	if (pfd < 0) {
		s->err = pfd;
		return 1;
	}
	for (size_t k = 0; k < NLINKS; k++)
		if (have_link(links[k].link))
			nsm_ns_id(0, links[k].link, &before[k]);
	s->err = setns(pfd, s->flags) < 0 ? -errno : 0;
	for (size_t k = 0; k < NLINKS; k++) {
		if (!have_link(links[k].link) || !strcmp(links[k].link, "pid_for_children") ||
		    !strcmp(links[k].link, "time_for_children"))
			continue;
		nsm_ns_id(0, links[k].link, &after);
		nsm_ns_id(s->target, links[k].link, &target);
		if (!nsm_id_eq(&after, &before[k]))
			s->changed |= links[k].flag;
		if (nsm_id_eq(&after, &target))
			s->matched |= links[k].flag;
	}
	close(pfd);
	return 0;
}

/*
 * Runs a joiner that setns(2)es with a pidfd and flags into a target cloned with
 * target_flags; *out (shared memory, the caller frees it) holds what it saw.
 * Returns ISO_PASS when it ran, or the broken verdict.
 */
static enum iso_verdict pidfd_join(struct iso_ctx *ctx, unsigned long target_flags, int flags,
				   struct pidfd_seen **out)
{
	_cleanup_nsm_proc_ struct nsm_proc h = NSM_PROC_INIT;
	struct pidfd_seen *s = *out = iso_shared_alloc(sizeof(*s));
	int r;

	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	s->flags = flags;
	r = nsm_hold(ctx, &h, target_flags);
	if (r < 0)
		return iso_broken(ctx, r, "clone the target");
	s->target = h.pid;
	r = nsm_call(0, join_pidfd, s, iso_ctx_ms(ctx, 3000));
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : s->err, "pidfd_open the target");
	iso_note(ctx, "setns_pidfd", "%s; changed 0x%lx, match target 0x%lx",
		 s->err ? strerror(-s->err) : "accepted", s->changed, s->matched);
	return ISO_PASS;
}

/*
 * setns(2) with a pidfd and several CLONE_NEW* flags moves the caller into the
 * target's namespaces of exactly those types at once (setns(2), Linux 5.8).
 * Control: the target has no namespaces of its own, so nothing changes.
 */
static enum iso_verdict setns_pidfd_joins_several(struct iso_ctx *ctx)
{
	unsigned long target = iso_ctx_is_control(ctx) ? 0 : PIDFD_FLAGS;
	_cleanup_shared_ struct pidfd_seen *s = NULL;
	enum iso_verdict v = pidfd_join(ctx, target, PIDFD_FLAGS, &s);

	if (v != ISO_PASS)
		return v;
	if (s->err == -EINVAL)
		return iso_skip(ctx, "setns(2) does not take a pidfd (Linux 5.8+)");
	if (s->err)
		return iso_fail(ctx, "setns(pidfd, uts|ipc|net) failed: %s", strerror(-s->err));
	if ((s->matched & PIDFD_FLAGS) != PIDFD_FLAGS)
		return iso_fail(ctx, "after setns(pidfd, uts|ipc|net) 0x%lx differ from the target",
				PIDFD_FLAGS & ~s->matched);
	if (s->changed != PIDFD_FLAGS)
		return iso_fail(ctx, "setns(pidfd, uts|ipc|net) changed 0x%lx, not exactly 0x%x",
				s->changed, PIDFD_FLAGS);
	return ISO_PASS;
}

/*
 * setns(2) with a pidfd is all or nothing: if one requested namespace cannot be
 * joined (here the target's user namespace, which is the caller's own: EINVAL),
 * the call fails and the caller stays in all its namespaces. Control: the target
 * has a user namespace of its own, which root may join, so the call succeeds.
 */
static enum iso_verdict setns_pidfd_all_or_nothing(struct iso_ctx *ctx)
{
	unsigned long own = CLONE_NEWUTS | CLONE_NEWIPC;
	_cleanup_shared_ struct pidfd_seen *s = NULL;
	enum iso_verdict v = pidfd_join(ctx, iso_ctx_is_control(ctx) ? own | CLONE_NEWUSER : own,
					own | CLONE_NEWUSER, &s);

	if (v != ISO_PASS)
		return v;
	if (s->err && s->changed)
		return iso_fail(ctx, "setns(pidfd, uts|ipc|user) failed (%s) but changed 0x%lx",
				strerror(-s->err), s->changed);
	return iso_expect_errno(ctx, s->err, EINVAL, "setns(pidfd, uts|ipc|user)");
}

/* ---- invalid combinations ---- */

static const struct {
	const char *name;
	unsigned long flags, conflict;
} bad_clones[] = {
	{ "CLONE_NEWUSER|CLONE_FS", CLONE_NEWUSER | CLONE_FS, CLONE_FS },
	{ "CLONE_NEWNS|CLONE_FS", CLONE_NEWNS | CLONE_FS, CLONE_FS },
	{ "CLONE_NEWPID|CLONE_THREAD", CLONE_NEWPID | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
	  CLONE_THREAD | CLONE_SIGHAND | CLONE_VM },
	{ "CLONE_NEWUSER|CLONE_THREAD", CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
	  CLONE_THREAD | CLONE_SIGHAND | CLONE_VM },
	{ "CLONE_NEWIPC|CLONE_SYSVSEM", CLONE_NEWIPC | CLONE_SYSVSEM, CLONE_SYSVSEM },
};

static int exit_now(void *arg)
{
	(void)arg;
	return 0;
}

#define CHILD_STACK (64 * 1024)

/*
 * clone(2) refuses combinations of namespace flags it documents as invalid,
 * with EINVAL: CLONE_NEWUSER or CLONE_NEWNS with CLONE_FS, CLONE_NEWPID or
 * CLONE_NEWUSER with CLONE_THREAD, CLONE_NEWIPC with CLONE_SYSVSEM (clone(2),
 * ERRORS). Control: the same calls without the conflicting flag, which succeed.
 */
static enum iso_verdict clone_rejects_invalid_combinations(struct iso_ctx *ctx)
{
	bool invalid = !iso_ctx_is_control(ctx);
	char *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	enum iso_verdict v = ISO_PASS;

	if (stack == MAP_FAILED)
		return iso_broken(ctx, -errno, "mmap a stack");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(bad_clones) && v == ISO_PASS; i++) {
		unsigned long f = invalid ? bad_clones[i].flags :
					    bad_clones[i].flags & ~bad_clones[i].conflict;
		pid_t pid = clone(exit_now, stack + CHILD_STACK, (int)f | SIGCHLD, NULL);

		if (pid > 0 && !(f & CLONE_THREAD))
			iso_kill_wait(pid);
		v = iso_expect_errno(ctx, pid > 0 ? 0 : -errno, EINVAL, "clone(%s)%s",
				     bad_clones[i].name,
				     invalid ? "" : " without its conflicting flag");
	}
	if (!(v == ISO_FAIL && invalid))
		munmap(stack, CHILD_STACK); /* a wrongly created thread may still run on it */
	return v;
}

static void *park(void *arg)
{
	int fd = *(int *)arg;
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* Unshares CLONE_NEWUSER with a second thread running (or not); returns errno or 0. */
static int unshare_threaded(void *arg)
{
	bool threaded = *(bool *)arg;
	pthread_t t;
	int pfd[2], r;

	if (threaded) {
		if (pipe(pfd) < 0 || pthread_create(&t, NULL, park, &pfd[0]) != 0)
			return 120;
	}
	r = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
	return r & 0x7f;
}

/*
 * unshare(CLONE_NEWUSER) implies CLONE_THREAD, so a multithreaded caller gets
 * EINVAL (unshare(2), ERRORS; user_namespaces(7)). Control: a single-threaded
 * caller, which succeeds.
 */
static enum iso_verdict unshare_newuser_rejects_multithreaded(struct iso_ctx *ctx)
{
	bool threaded = !iso_ctx_is_control(ctx);
	int r = nsm_call(0, unshare_threaded, &threaded, iso_ctx_ms(ctx, 3000));

	if (r < 0 || r == 120)
		return iso_broken(ctx, r < 0 ? r : -EAGAIN, "start a second thread");
	return iso_expect_errno_noted(ctx, "unshare", -r, EINVAL,
				      "unshare(CLONE_NEWUSER) in a %s process",
				      threaded ? "multithreaded" : "single-threaded");
}

/* ---- lifetime ---- */

/*
 * The lifetime cases observe that a namespace exists through the per-user-
 * namespace limit on UTS namespaces: a helper in a user namespace U of its own
 * sets U's user.max_uts_namespaces to 1, so while a UTS namespace created in U
 * exists another cannot be created there (ENOSPC), and once it is freed one can
 * (namespaces(7) "The /proc/sys/user directory"; Documentation/admin-guide/
 * sysctl/user.rst).
 */
enum life_cmd { LIFE_EXIT, LIFE_LIMIT, LIFE_SPAWN, LIFE_KILL, LIFE_PROBE };

struct life_arg {
	char host[65]; /* the hostname of the observed namespace */
	unsigned int ms; /* budget of one step of U0 */
	unsigned int linger_ms; /* how long U0 and T wait for the next command */
};

/* T: unshares a UTS namespace, names it, and waits. */
static int life_target(struct nsm_proc *self, void *arg)
{
	struct life_arg *a = arg;
	int r = unshare(CLONE_NEWUTS) < 0 ? -errno : 0, v;

	if (r == 0 && sethostname(a->host, strlen(a->host)) < 0)
		r = -errno;
	nsm_send(self, r);
	nsm_recv(self, &v, a->linger_ms);
	return 0;
}

static int life_probe(void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWUTS) < 0 ? (errno & 0x7f) : 0;
}

/* U0: the helper in user namespace U. Answers each command with >= 0 or -errno. */
static int life_helper(struct nsm_proc *self, void *arg)
{
	const struct life_arg *a = arg;
	struct nsm_proc t = NSM_PROC_INIT;
	int cmd, r, x;

	while (nsm_recv(self, &cmd, a->linger_ms) == 0 && cmd != LIFE_EXIT) {
		switch (cmd) {
		case LIFE_LIMIT:
			r = iso_write_file("/proc/sys/user/max_uts_namespaces", "1");
			break;
		case LIFE_SPAWN:
			r = nsm_proc_start(&t, 0, life_target, arg);
			if (r > 0 && (x = nsm_recv(&t, &r, a->ms)) < 0)
				r = x;
			if (r == 0)
				r = t.pid;
			break;
		case LIFE_KILL:
			nsm_proc_stop(&t);
			r = 0;
			break;
		default:
			r = nsm_call(0, life_probe, NULL, a->ms);
			break;
		}
		nsm_send(self, r);
	}
	nsm_proc_stop(&t);
	return 0;
}

enum life_ref { REF_NONE, REF_BIND, REF_FD };

struct join_arg {
	const char *path; /* the bind mount, or NULL to use fd */
	int fd;
	char want[65];
};

/* Joins the namespace through the bind mount or the inherited fd; 0 if it has the hostname. */
static int life_join(void *arg)
{
	struct join_arg *j = arg;
	int fd = j->path ? open(j->path, O_RDONLY | O_CLOEXEC) : j->fd;
	char host[65] = "";

	if (fd < 0)
		return 2;
	if (setns(fd, CLONE_NEWUTS) < 0)
		return 3;
	gethostname(host, sizeof(host));
	return strcmp(host, j->want) ? 4 : 0;
}

/*
 * bind_mount_keeps_namespace_alive: a bind mount of /proc/PID/ns/uts keeps the
 * namespace alive after its last process exited: setns through the mount joins
 * it (its hostname is intact); once unmounted, with nothing else referring to
 * it, it is freed (namespaces(7), "The /proc/[pid]/ns/ directory"). The mount is
 * made on a tmpfs in the case's private mount namespace. Control: no bind mount
 * is made, so the namespace is gone when its process exits.
 *
 * open_fd_keeps_namespace_alive: an open fd of /proc/PID/ns/uts likewise keeps
 * the namespace alive and joinable, and closing it frees the namespace
 * (namespaces(7)). Control: no fd is kept.
 */
static enum iso_verdict namespace_outlives_its_processes(struct iso_ctx *ctx)
{
	enum life_ref ref = iso_ctx_is_control(ctx) ? REF_NONE :
						      *(const enum life_ref *)iso_ctx_arg(ctx);
	unsigned int ms = iso_ctx_ms(ctx, 3000);
	_cleanup_nsm_proc_ struct nsm_proc u = NSM_PROC_INIT;
	struct life_arg la = { .ms = ms, .linger_ms = iso_ctx_ms(ctx, 10000) };
	struct join_arg j = { .fd = -1 };
	const char *how = ref == REF_FD ? "an open fd" : "a bind mount";
	uint64_t deadline;
	int r, tpid;

	snprintf(la.host, sizeof(la.host), "isb%slife", iso_ctx_tag(ctx));
	snprintf(j.want, sizeof(j.want), "%s", la.host);
	r = nsm_proc_start(&u, CLONE_NEWUSER, life_helper, &la);
	if (r >= 0)
		r = nsm_map_ids(u.pid, 0, 0, false);
	if (r >= 0)
		r = nsm_ask(&u, LIFE_LIMIT, ms);
	if (r < 0)
		return iso_broken(ctx, r,
				  "a helper in a user namespace with "
				  "user.max_uts_namespaces=1");
	tpid = nsm_ask(&u, LIFE_SPAWN, ms);
	if (tpid < 0)
		return iso_broken(ctx, tpid, "create the observed UTS namespace");
	/* Count check: with it alive no second one fits. */
	r = nsm_ask(&u, LIFE_PROBE, ms);
	if (r != ENOSPC)
		return iso_broken(
			ctx, r < 0 ? r : -r,
			"the limit of 1 UTS namespace does not hold while the first lives "
			"(a second unshare gave %d)",
			r);
	if (ref == REF_BIND) {
		char src[64];
		int fd;

		snprintf(src, sizeof(src), "/proc/%d/ns/uts", tpid);
		if (mkdir("ns", 0755) < 0 || mount("tmpfs", "ns", "tmpfs", 0, "size=64k") < 0 ||
		    (fd = open("ns/uts", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) < 0)
			return iso_broken(ctx, -errno, "a tmpfs with a file to bind onto");
		close(fd);
		if (mount(src, "ns/uts", NULL, MS_BIND, NULL) < 0)
			return iso_broken(ctx, -errno, "bind-mount %s onto ns/uts", src);
		j.path = "ns/uts";
	} else if (ref == REF_FD) {
		j.fd = nsm_ns_open(tpid, "uts");
		if (j.fd < 0)
			return iso_broken(ctx, j.fd, "open /proc/PID/ns/uts");
	}
	/* The only process in the namespace exits. */
	r = nsm_ask(&u, LIFE_KILL, ms);
	if (r < 0)
		return iso_broken(ctx, r, "stop the namespace's process");
	r = nsm_ask(&u, LIFE_PROBE, ms);
	iso_note(ctx, "unshare_while_referenced", "%s", r ? strerror(r) : "accepted");
	if (ref == REF_NONE)
		return r == 0 ? iso_fail(ctx, "with nothing referring to it, the namespace was "
					      "freed with its last process") :
				iso_fail(ctx, "nothing refers to the namespace, yet it still "
					      "counts against the limit after its last process "
					      "exited");
	if (r == 0) {
		if (j.fd >= 0)
			close(j.fd);
		return iso_fail(ctx,
				"with its last process gone and %s of it kept, the "
				"namespace no longer counts against the limit",
				how);
	}
	r = nsm_call(0, life_join, &j, ms);
	iso_note(ctx, "join_through_reference", "%s", r ? "failed" : "hostname matches");
	if (r != 0) {
		if (j.fd >= 0)
			close(j.fd);
		return iso_fail(ctx,
				"setns through %s of a namespace whose processes exited did "
				"not give its hostname (step %d)",
				how, r);
	}
	/* Drop the last reference: the namespace goes, and with it its count. */
	if (ref == REF_BIND && umount2("ns/uts", 0) < 0)
		return iso_broken(ctx, -errno, "umount ns/uts");
	if (ref == REF_FD)
		close(j.fd);
	deadline = iso_now_ms() + iso_ctx_ms(ctx, 1000);
	do {
		r = nsm_ask(&u, LIFE_PROBE, ms);
		if (r != ENOSPC)
			break;
		iso_sleep_ms(10);
	} while (iso_now_ms() < deadline);
	iso_note(ctx, "unshare_after_release", "%s", r ? strerror(r) : "accepted");
	if (r == ENOSPC)
		return iso_fail(ctx,
				"after %s was released the namespace still exists (it counts "
				"against the limit)",
				how);
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -r, "the probe after release");
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_CASE(ns_links_identify_namespaces,
		 .doc = "/proc/PID/ns links are stable inodes that match iff two processes share "
			"the namespace (namespaces(7))",
		 .timeout_ms = 5000, .req = { .root = true, .userns_ok = true }),
	ISO_CASE(one_namespace_per_type,
		 .doc = "a process has one namespace per type; setns replaces exactly that type's "
			"(namespaces(7), setns(2))",
		 .timeout_ms = 5000,
		 .req = { .root = true,
			  .root_for = "the control setns(2)es into the host's cgroup namespace",
			  .ns = JOIN_FLAGS,
			  .kernel = "4.6" }),
	ISO_CASE(
		setns_pidfd_joins_several,
		.doc = "setns(pidfd, uts|ipc|net) joins exactly those namespaces of the target "
		       "(setns(2), 5.8)",
		.timeout_ms = 5000,
		.req = { .root = true,
			 .root_for =
				 "the control setns(2)es into the host's namespaces (in a user namespace it fails with EPERM, which proves nothing)",
			 .ns = PIDFD_FLAGS,
			 .kernel = "5.8" }),
	ISO_CASE(setns_pidfd_all_or_nothing,
		 .doc = "setns(pidfd) that cannot join one namespace joins none (setns(2), 5.8)",
		 .timeout_ms = 5000,
		 .req = NSG_REQ_USERNS(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER,
				       .kernel = "5.8")),
	ISO_CASE(clone_rejects_invalid_combinations,
		 .doc = "clone refuses documented invalid namespace flag combinations with EINVAL "
			"(clone(2))",
		 .timeout_ms = 5000,
		 .req = NSG_REQ_USERNS(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC)),
	ISO_CASE(unshare_newuser_rejects_multithreaded,
		 .doc = "unshare(CLONE_NEWUSER) in a multithreaded process fails with EINVAL "
			"(unshare(2))",
		 .timeout_ms = 5000, .req = NSG_REQ_USERNS(CLONE_NEWUSER)),
	ISO_VARIANT(bind_mount_keeps_namespace_alive, namespace_outlives_its_processes,
		    ISO_ARG(enum life_ref, REF_BIND),
		    .doc = "a bind mount of /proc/PID/ns/uts keeps the ns alive and joinable; "
			   "unmounted, it is freed (namespaces(7))",
		    .timeout_ms = 5000,
		    .req = NSG_REQ_USERNS(CLONE_NEWUSER | CLONE_NEWUTS, .kernel = "4.9")),
	ISO_VARIANT(open_fd_keeps_namespace_alive, namespace_outlives_its_processes,
		    ISO_ARG(enum life_ref, REF_FD),
		    .doc = "an open fd of /proc/PID/ns/uts keeps the ns alive and joinable; closed, "
			   "it is freed (namespaces(7))",
		    .timeout_ms = 5000,
		    .req = NSG_REQ_USERNS(CLONE_NEWUSER | CLONE_NEWUTS, .kernel = "4.9")),
};

const struct iso_suite iso_suite_nsgeneric = ISO_SUITE("nsgeneric", cases);
