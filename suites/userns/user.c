// SPDX-License-Identifier: MIT
/*
 * User namespaces (user_namespaces(7), capabilities(7)): id maps and the rules
 * for writing them, the overflow id, capabilities inside and outside a user
 * namespace, nesting, setns and the nsfs ioctls (ioctl_ns(2)).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iso.h"
#include "nsgeneric/nsm.h"

#define USER_MS 3000

/* The skip verdict for an unprivileged unshare(CLONE_NEWUSER) that failed with err. */
static enum iso_verdict unpriv_userns_skip(struct iso_ctx *ctx, int err)
{
	const char *why = "unshare(CLONE_NEWUSER) as an unprivileged user failed";

	if (err == -EPERM || err == -EACCES)
		why = "unprivileged user namespaces are disabled here "
		      "(kernel.unprivileged_userns_clone=0, or an LSM such as AppArmor's "
		      "restrict_unprivileged_userns)";
	else if (err == -ENOSPC)
		why = "user.max_user_namespaces is exhausted or 0";
	return iso_skip(ctx, "%s: %s", why, strerror(-err));
}

/* Root, or root in a user namespace of its own. */
#define USER_REQ_USERNS                                              \
	{                                                            \
		.root = true, .userns_ok = true, .ns = CLONE_NEWUSER \
	}
/* Root, for what (root_for) needs the initial user namespace; AS_NOBODY: to act as 65534. */
#define USER_REQ_ROOT(what, ...)                                                   \
	{                                                                          \
		.root = true, .root_for = (what), .ns = CLONE_NEWUSER, __VA_ARGS__ \
	}
#define USER_REQ_AS_NOBODY(...) \
	USER_REQ_ROOT("acts as uid 65534 (unmapped in a one-uid user namespace)", __VA_ARGS__)

/* ---- map write rules ---- */

/*
 * uid_map may be written only once: a second write fails with EPERM
 * (user_namespaces(7), "Defining user and group ID mappings"). Control: the
 * second write goes to another new user namespace, whose map is still unset.
 */
static enum iso_verdict uid_map_written_once(struct iso_ctx *ctx)
{
	_cleanup_nsm_proc_ struct nsm_proc a = NSM_PROC_INIT, b = NSM_PROC_INIT;
	int r = nsm_hold(ctx, &a, CLONE_NEWUSER);

	if (r == 0 && iso_ctx_is_control(ctx))
		r = nsm_hold(ctx, &b, CLONE_NEWUSER);
	if (r == 0)
		r = nsm_proc_write(a.pid, "uid_map", "0 100000 1\n");
	if (r < 0)
		return iso_broken(ctx, r, "clone(CLONE_NEWUSER), or the first write to uid_map");
	r = nsm_proc_write(b.pid ? b.pid : a.pid, "uid_map", "1 100001 1\n");
	return iso_expect_errno_noted(ctx, "second_write", r, EPERM, "a second write to uid_map");
}

enum map_rule { RULE_SETGROUPS, RULE_OWN_UID };

struct map_res {
	int unshare_err; /* of the unprivileged child */
	int refused; /* the write an unprivileged writer may not make: 0 or -errno */
	int allowed; /* the write it may make: 0 or -errno */
};

/*
 * The writes of one rule, on /proc/TARGET (0: self):
 * RULE_SETGROUPS: gid_map before setgroups is "deny", then after it;
 * RULE_OWN_UID: a uid_map naming uid 0, then one naming the writer's own uid.
 */
static void rule_writes(enum map_rule rule, pid_t target, struct map_res *res)
{
	if (rule == RULE_SETGROUPS) {
		res->refused = nsm_proc_write(target, "gid_map", "0 %d 1\n", NSM_NOBODY);
		if (res->refused == 0)
			return;
		res->allowed = nsm_proc_write(target, "setgroups", "deny");
		if (res->allowed == 0)
			res->allowed = nsm_proc_write(target, "gid_map", "0 %d 1\n", NSM_NOBODY);
		return;
	}
	res->refused = nsm_proc_write(target, "uid_map", "0 0 1\n");
	if (res->refused == 0)
		return;
	res->allowed = nsm_proc_write(target, "uid_map", "0 %d 1\n", NSM_NOBODY);
}

struct rule_arg {
	enum map_rule rule;
	struct map_res *res;
	unsigned int linger_ms; /* how long the child waits for the next command */
};

/* The unprivileged child: nobody, in a user namespace of its own; writes its maps if told to. */
static int unpriv_child(struct nsm_proc *self, void *arg)
{
	struct rule_arg *a = arg;
	int r = nsm_become_nobody(), cmd = 0;

	if (r == 0 && unshare(CLONE_NEWUSER) < 0)
		r = -errno;
	a->res->unshare_err = r;
	nsm_send(self, r);
	if (r < 0 || nsm_recv(self, &cmd, a->linger_ms) < 0)
		return 0;
	if (cmd == 1)
		rule_writes(a->rule, 0, a->res);
	nsm_send(self, 0);
	nsm_recv(self, &cmd, a->linger_ms);
	return 0;
}

/*
 * A writer without CAP_SETGID in the parent user namespace may write gid_map
 * only after writing "deny" to /proc/PID/setgroups (gid_map_needs_setgroups_deny;
 * user_namespaces(7), "Interaction with system calls that change process UIDs or
 * GIDs"); one without CAP_SETUID there can map only its own effective uid, as a
 * single line (unprivileged_maps_only_own_uid; user_namespaces(7), rule 4 of
 * "Defining user and group ID mappings"). The writer is an unprivileged (uid
 * 65534) process writing its own maps. Control: the privileged parent writes them.
 */
static enum iso_verdict map_rule_case(struct iso_ctx *ctx)
{
	enum map_rule rule = *(const enum map_rule *)iso_ctx_arg(ctx);
	_cleanup_nsm_proc_ struct nsm_proc c = NSM_PROC_INIT;
	_cleanup_shared_ struct map_res *res = iso_shared_alloc(sizeof(*res));
	struct rule_arg a = { rule, res, iso_ctx_ms(ctx, 10000) };
	int r = res ? nsm_proc_start_wait(&c, 0, unpriv_child, &a, iso_ctx_ms(ctx, USER_MS)) :
		      -ENOMEM;
	enum iso_verdict v;

	if (res && res->unshare_err)
		return unpriv_userns_skip(ctx, res->unshare_err);
	/* The writer: the unprivileged child itself, or (control) the privileged parent. */
	if (r == 0 && iso_ctx_is_control(ctx))
		rule_writes(rule, c.pid, res);
	else if (r == 0)
		r = nsm_ask(&c, 1, iso_ctx_ms(ctx, USER_MS));
	if (r < 0)
		return iso_broken(ctx, r, "start the unprivileged child, which writes its maps");
	v = iso_expect_errno_noted(ctx, "refused_write", res->refused, EPERM,
				   rule == RULE_SETGROUPS ?
					   "gid_map written while setgroups is still \"allow\"" :
					   "uid_map mapping uid 0 instead of the writer's own uid");
	if (v == ISO_PASS && res->allowed)
		v = iso_fail(ctx, "the permitted map write then failed too: %s",
			     strerror(-res->allowed));
	return v;
}

/* ---- overflow ids ---- */

struct ids_seen {
	unsigned int uid, gid, root_owner;
};

static int read_ids(void *arg)
{
	struct ids_seen *s = arg;
	struct stat st;

	s->uid = getuid();
	s->gid = getgid();
	if (stat("/", &st) < 0)
		return 1;
	s->root_owner = st.st_uid;
	return 0;
}

/*
 * In a user namespace with no maps, the process's own ids and the owners of all files
 * show as the overflow ids, /proc/sys/kernel/overflowuid and overflowgid
 * (user_namespaces(7), "Unmapped user and group IDs"). Control: no new user namespace.
 */
static enum iso_verdict unmapped_ids_show_as_overflow(struct iso_ctx *ctx)
{
	unsigned long flags = iso_ctx_is_control(ctx) ? 0 : CLONE_NEWUSER;
	_cleanup_shared_ struct ids_seen *s = iso_shared_alloc(sizeof(*s));
	int64_t ouid = 65534, ogid = 65534;
	int r = s ? nsm_call(flags, read_ids, s, iso_ctx_ms(ctx, USER_MS)) : -ENOMEM;

	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "the child reads its ids");
	iso_read_i64("/proc/sys/kernel/overflowuid", &ouid);
	iso_read_i64("/proc/sys/kernel/overflowgid", &ogid);
	iso_note(ctx, "ids", "uid %u gid %u owner_of_root %u (overflow %d/%d)", s->uid, s->gid,
		 s->root_owner, (int)ouid, (int)ogid);
	if (s->uid != ouid || s->gid != ogid || s->root_owner != ouid)
		return iso_fail(ctx, "with no maps the child does not see the overflow ids");
	return ISO_PASS;
}

/* ---- an unprivileged user's user namespace ---- */

struct unpriv_seen {
	int setup_err; /* become nobody: 0 or -errno */
	int unshare_err;
	int map_err;
	uint64_t caps_before, caps_inside;
	unsigned int uid_inside;
	int open_err; /* opening the root-only file: 0 or -errno */
	int sethostname_err;
};

struct unpriv_arg {
	struct unpriv_seen *s;
	bool isolate; /* create the user namespace */
	bool drop; /* drop to nobody first */
	bool probe_outside; /* try the root-only file and sethostname */
};

static int unpriv_root_child(void *arg)
{
	struct unpriv_arg *a = arg;
	struct unpriv_seen *s = a->s;

	if (a->drop)
		s->setup_err = nsm_become_nobody();
	if (s->setup_err)
		return 0;
	nsm_caps(0, "CapEff", &s->caps_before);
	if (a->isolate) {
		if (unshare(CLONE_NEWUSER) < 0) {
			s->unshare_err = -errno;
			return 0;
		}
		s->map_err = nsm_map_ids(0, 0, NSM_NOBODY, true);
	}
	s->uid_inside = getuid();
	nsm_caps(0, "CapEff", &s->caps_inside);
	if (a->probe_outside) {
		struct utsname u;
		int fd = open("secret", O_RDONLY | O_CLOEXEC);

		s->open_err = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		/* The case's scratch UTS namespace, owned by the initial user namespace. */
		uname(&u);
		s->sethostname_err = sethostname(u.nodename, strlen(u.nodename)) < 0 ? -errno : 0;
	}
	return 0;
}

/*
 * Runs the unprivileged child; *out (shared memory, the caller frees it) holds
 * what it saw. Returns ISO_PASS when it ran, or the skip/broken verdict to return.
 */
static enum iso_verdict run_unpriv(struct iso_ctx *ctx, struct unpriv_arg *a,
				   struct unpriv_seen **out)
{
	int r;

	a->s = *out = iso_shared_alloc(sizeof(**out));
	if (!a->s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	r = nsm_call(0, unpriv_root_child, a, iso_ctx_ms(ctx, USER_MS));
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "run the unprivileged child");
	if (a->s->setup_err)
		return iso_broken(ctx, a->s->setup_err, "setuid/setgid to %d", NSM_NOBODY);
	if (a->s->unshare_err)
		return unpriv_userns_skip(ctx, a->s->unshare_err);
	if (a->s->map_err)
		return iso_broken(ctx, a->s->map_err, "the child maps its own ids");
	return ISO_PASS;
}

/*
 * An unprivileged process (uid 65534, no capabilities) that creates a user
 * namespace and maps its own uid to 0 is uid 0 there with the full set of
 * capabilities in its effective set (user_namespaces(7), "Capabilities";
 * CapEff in /proc/self/status). Control: it creates no user namespace.
 */
static enum iso_verdict unprivileged_creator_is_root_inside(struct iso_ctx *ctx)
{
	_cleanup_shared_ struct unpriv_seen *s = NULL;
	struct unpriv_arg a = { .isolate = !iso_ctx_is_control(ctx), .drop = true };
	enum iso_verdict v;
	uint64_t all = 0;
	int r = nsm_caps_all(&all);

	v = r < 0 ? iso_broken(ctx, r, "read /proc/sys/kernel/cap_last_cap") :
		    run_unpriv(ctx, &a, &s);
	if (v != ISO_PASS)
		return v;
	iso_note(ctx, "caps_before", "%016llx", (unsigned long long)s->caps_before);
	iso_note(ctx, "inside", "uid %u CapEff %016llx", s->uid_inside,
		 (unsigned long long)s->caps_inside);
	if (s->caps_before != 0)
		return iso_broken(ctx, 0, "uid %d still has capabilities %llx", NSM_NOBODY,
				  (unsigned long long)s->caps_before);
	if (s->uid_inside != 0)
		return iso_fail(ctx, "the unprivileged creator is uid %u in its namespace, not 0",
				s->uid_inside);
	if (s->caps_inside != all)
		return iso_fail(ctx, "the unprivileged creator has CapEff %llx inside, not %llx",
				(unsigned long long)s->caps_inside, (unsigned long long)all);
	return ISO_PASS;
}

/*
 * Capabilities in a user namespace give nothing over resources governed by
 * other user namespaces (user_namespaces(7): "having a capability inside a user
 * namespace permits a process to perform operations only on resources governed
 * by that namespace"): the unprivileged creator, root with all capabilities in
 * its namespace, cannot open a uid-0 0600 file of the case directory (EACCES)
 * nor sethostname in a UTS namespace owned by the initial user namespace
 * (EPERM; the case's scratch one, never the host's). Control: the child stays
 * root in the initial user namespace.
 */
static enum iso_verdict unprivileged_root_gains_nothing_outside(struct iso_ctx *ctx)
{
	bool unprivileged = !iso_ctx_is_control(ctx);
	_cleanup_shared_ struct unpriv_seen *s = NULL;
	struct unpriv_arg a = { .isolate = unprivileged,
				.drop = unprivileged,
				.probe_outside = true };
	enum iso_verdict v;
	int fd;

	if (unshare(CLONE_NEWUTS) < 0)
		return iso_broken(ctx, -errno, "unshare(CLONE_NEWUTS) for the case's scratch one");
	fd = open("secret", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0)
		return iso_broken(ctx, -errno, "create a root-only file");
	close(fd);
	v = run_unpriv(ctx, &a, &s);
	if (v != ISO_PASS)
		return v;
	iso_note(ctx, "open_root_only_file", "%s", s->open_err ? strerror(-s->open_err) : "opened");
	iso_note(ctx, "sethostname", "%s",
		 s->sethostname_err ? strerror(-s->sethostname_err) : "accepted");
	if (unprivileged && (s->uid_inside != 0 || s->caps_inside == 0))
		return iso_broken(ctx, 0,
				  "the child is not root with capabilities in its namespace");
	if (s->open_err == 0)
		return iso_fail(
			ctx, "root of the user namespace opened a 0600 file of uid 0 outside it");
	if (s->open_err != -EACCES)
		return iso_broken(ctx, s->open_err, "open the root-only file");
	return iso_expect_errno(
		ctx, s->sethostname_err, EPERM,
		"sethostname in a UTS namespace owned by the initial user namespace");
}

/* ---- execve ---- */

struct exec_seen {
	unsigned int uid_inside;
	uint64_t caps_before;
};

struct exec_arg {
	struct exec_seen *s;
	int out; /* write end of the pipe that becomes stdout */
	unsigned int linger_ms; /* how long the child waits for its maps */
};

/* Waits for its maps, then execs a shell that prints its own CapEff. */
static int exec_child(struct nsm_proc *self, void *arg)
{
	struct exec_arg *a = arg;
	static char *const argv[] = {
		"sh", "-c",
		"while read -r k v; do [ \"$k\" = CapEff: ] && echo \"$v\"; done < /proc/self/status; exit 0",
		NULL
	};
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int go;

	if (nsm_recv(self, &go, a->linger_ms) < 0)
		return 120;
	a->s->uid_inside = getuid();
	nsm_caps(0, "CapEff", &a->s->caps_before);
	if (dup2(a->out, 1) < 0)
		return 121;
	execve("/bin/sh", argv, envp);
	return 127;
}

/*
 * A process in a new user namespace has all capabilities there, but execve(2)
 * recomputes them as usual: with a nonzero uid in the namespace (and no file
 * capabilities) it loses them all (user_namespaces(7), "Capabilities";
 * capabilities(7), "Transformation of capabilities during execve()"). The child
 * is uid 1000 inside (mapped to our uid 0) and execs /bin/sh, which prints its
 * CapEff. Control: the child is uid 0 inside and keeps them.
 */
static enum iso_verdict caps_lost_on_execve_as_nonzero_uid(struct iso_ctx *ctx)
{
	bool nonzero = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, USER_MS);
	_cleanup_nsm_proc_ struct nsm_proc c = NSM_PROC_INIT;
	_cleanup_shared_ struct exec_seen *s = iso_shared_alloc(sizeof(*s));
	struct exec_arg a = { .s = s, .linger_ms = iso_ctx_ms(ctx, 10000) };
	_cleanup_close_ int rd = -1, wr = -1;
	int pfd[2], r;
	char out[64] = "";
	uint64_t all, after;

	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	if (nsm_caps_all(&all) < 0 || pipe2(pfd, O_CLOEXEC) < 0)
		return iso_broken(ctx, -errno, "cap_last_cap or pipe");
	rd = pfd[0];
	a.out = wr = pfd[1];
	r = nsm_proc_start(&c, CLONE_NEWUSER, exec_child, &a);
	if (r < 0)
		return iso_broken(ctx, r, "clone(CLONE_NEWUSER)");
	close(wr);
	wr = -1;
	/* Inside, the child is uid 1000 (case) or uid 0 (control); both map to our uid 0. */
	r = nsm_proc_write(c.pid, "uid_map", "%d 0 1\n", nonzero ? 1000 : 0);
	if (r == 0)
		r = nsm_proc_write(c.pid, "gid_map", "0 0 1\n");
	if (r < 0)
		return iso_broken(ctx, r, "write the child's maps");
	nsm_send(&c, 1);
	nsm_read_fd(rd, out, sizeof(out), ms);
	r = nsm_proc_wait(&c, ms);
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO,
				  "exec /bin/sh in the user namespace (exit %d)", r);
	after = strtoull(out, NULL, 16);
	iso_note(ctx, "before_execve", "uid %u CapEff %016llx", s->uid_inside,
		 (unsigned long long)s->caps_before);
	iso_note(ctx, "after_execve", "CapEff %016llx", (unsigned long long)after);
	if (s->caps_before != all)
		return iso_broken(ctx, 0, "the child lacks full capabilities before execve (%llx)",
				  (unsigned long long)s->caps_before);
	if (!out[0])
		return iso_broken(ctx, 0, "the shell printed no CapEff");
	if (after != 0)
		return iso_fail(ctx,
				"uid %u in its user namespace kept capabilities %llx across execve",
				s->uid_inside, (unsigned long long)after);
	return ISO_PASS;
}

/* ---- nesting ---- */

#define NEST_TRIES 40

struct nest_seen {
	int ok; /* nested unshares that succeeded */
	int err; /* errno of the first that failed */
};

struct nest_arg {
	struct nest_seen *s;
	unsigned long flag;
};

static int nest_child(void *arg)
{
	struct nest_arg *a = arg;

	for (int i = 0; i < NEST_TRIES; i++) {
		if (unshare(a->flag) < 0) {
			a->s->err = errno;
			return 0;
		}
		a->s->ok++;
		/* The next level's creator must have a mapping here: uid/gid 0 -> 0. */
		if (a->flag == CLONE_NEWUSER && nsm_map_ids(0, 0, 0, true) < 0)
			return 1;
	}
	return 0;
}

/*
 * User namespaces nest to a depth of 32 (user_namespaces(7)); past the limit
 * unshare/clone fail with ENOSPC (clone(2); EUSERS before Linux 4.9). The
 * kernel refuses a new namespace when its parent is at level > 32 with the
 * initial one at level 0, so 33 nested below the initial succeed and the 34th
 * fails: the case accepts a limit between 32 and 33 levels. Control: the same
 * loop with UTS namespaces, which do not nest and have no depth limit.
 */
static enum iso_verdict nesting_depth_limited(struct iso_ctx *ctx)
{
	/* The control nests UTS namespaces instead. */
	unsigned long flag = iso_ctx_is_control(ctx) ? CLONE_NEWUTS : CLONE_NEWUSER;
	_cleanup_shared_ struct nest_seen *s = NULL;
	struct nest_arg a = { .flag = flag };
	unsigned int first, lower, count;
	char map[128];
	int r;

	/* Depth counts from the initial user namespace, whose uid_map is the identity. */
	if (iso_read_file("/proc/self/uid_map", map, sizeof(map)) < 0 ||
	    sscanf(map, "%u %u %u", &first, &lower, &count) != 3 || first || lower ||
	    count != 4294967295u || strchr(map, '\n'))
		return iso_skip(ctx, "isobench does not run in the initial user namespace, so the "
				     "absolute nesting depth is unknown");
	a.s = s = iso_shared_alloc(sizeof(*s));
	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	r = nsm_call(0, nest_child, &a, iso_ctx_ms(ctx, USER_MS));
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "the nesting child (maps at level %d)",
				  s->ok);
	iso_note(ctx, "nested_levels", "%d", s->ok);
	iso_note(ctx, "refused_with", "%s", s->err ? strerror(s->err) : "-");
	if (s->ok < 32 && s->err != ENOSPC && s->err != EUSERS)
		return iso_broken(ctx, -s->err, "unshare at nesting level %d", s->ok + 1);
	if (s->ok < 32)
		return iso_fail(ctx, "only %d nested user namespaces could be created", s->ok);
	if (s->ok == NEST_TRIES)
		return iso_fail(ctx, "%d nested namespaces were created: no nesting limit", s->ok);
	if (s->ok > 33)
		return iso_fail(ctx, "%d nested user namespaces were created, more than 33", s->ok);
	if (s->err != ENOSPC && s->err != EUSERS)
		return iso_fail(ctx,
				"nesting level %d failed with %s, not ENOSPC (EUSERS before 4.9)",
				s->ok + 1, strerror(s->err));
	return ISO_PASS;
}

/* ---- setns ---- */

static int join_user(void *arg)
{
	int fd = *(int *)arg;

	return setns(fd, CLONE_NEWUSER) < 0 ? (errno & 0x7f) : 0;
}

/*
 * setns(2) into a user namespace needs CAP_SYS_ADMIN in it; a process with all
 * capabilities in its own user namespace has none in a sibling one, so the
 * call fails with EPERM (setns(2), user_namespaces(7)). Control: the joiner is
 * root in the initial user namespace, the sibling's parent, with the same uid
 * as its owner, so it has every capability there.
 */
static enum iso_verdict setns_to_sibling_userns_refused(struct iso_ctx *ctx)
{
	unsigned long flags = iso_ctx_is_control(ctx) ? 0 : CLONE_NEWUSER;
	_cleanup_nsm_proc_ struct nsm_proc b = NSM_PROC_INIT;
	_cleanup_close_ int fd = -1;
	int r = nsm_hold(ctx, &b, CLONE_NEWUSER);

	fd = r < 0 ? r : nsm_ns_open(b.pid, "user");
	if (fd < 0)
		return iso_broken(ctx, fd, "clone the sibling (CLONE_NEWUSER), open its ns/user");
	r = nsm_call(flags, join_user, &fd, iso_ctx_ms(ctx, USER_MS));
	if (r < 0)
		return iso_broken(ctx, r, "run the joining child");
	return iso_expect_errno_noted(ctx, "setns", -r, EPERM,
				      "setns into a sibling user namespace");
}

/* ---- nsfs ioctls ---- */

/* Applies ioctl req to fd and returns the identity of the namespace it names. Returns 0 or -errno. */
static int ioctl_id(int fd, unsigned long req, struct nsm_id *out)
{
	int nfd = ioctl(fd, req);
	int r;

	if (nfd < 0)
		return -errno;
	r = nsm_fd_id(nfd, out);
	close(nfd);
	return r;
}

/*
 * ioctl_ns(2): NS_GET_USERNS on a namespace fd returns the user namespace that
 * owns it (for the UTS namespace created together with a user namespace, that
 * one), and NS_GET_PARENT on a user namespace fd returns its parent (ours);
 * compared by st_dev/st_ino. Control: the child creates no user namespace, so
 * its UTS namespace is owned by ours and ours has no visible parent.
 */
static enum iso_verdict nsfs_ioctls_name_owner_and_parent(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	_cleanup_nsm_proc_ struct nsm_proc c = NSM_PROC_INIT;
	_cleanup_close_ int uts_fd = -1, user_fd = -1;
	struct nsm_id self_user, c_user, owner, parent;
	int r, type;

	r = nsm_hold(ctx, &c, CLONE_NEWUTS | (isolate ? CLONE_NEWUSER : 0));
	if (r < 0)
		return iso_broken(ctx, r, "clone the child");
	uts_fd = nsm_ns_open(c.pid, "uts");
	user_fd = nsm_ns_open(c.pid, "user");
	if (uts_fd < 0 || user_fd < 0)
		return iso_broken(ctx, uts_fd < 0 ? uts_fd : user_fd, "open the child's ns files");
	if (nsm_ns_id(0, "user", &self_user) < 0 || nsm_fd_id(user_fd, &c_user) < 0)
		return iso_broken(ctx, -errno, "stat the user namespace files");
	r = ioctl_id(uts_fd, NS_GET_USERNS, &owner);
	if (r == -ENOTTY)
		return iso_skip(ctx, "no NS_GET_USERNS ioctl (Linux 4.9+)");
	if (r < 0)
		return iso_fail(ctx, "NS_GET_USERNS on the child's UTS namespace: %s",
				strerror(-r));
	iso_note(ctx, "uts_owner", "%lu (child's user ns %lu, ours %lu)", (unsigned long)owner.ino,
		 (unsigned long)c_user.ino, (unsigned long)self_user.ino);
	if (!nsm_id_eq(&owner, &c_user))
		return iso_fail(ctx, "NS_GET_USERNS names user namespace %lu, not the child's %lu",
				(unsigned long)owner.ino, (unsigned long)c_user.ino);
	if (nsm_id_eq(&c_user, &self_user))
		return iso_fail(ctx, "the child's user namespace is ours (%lu)",
				(unsigned long)self_user.ino);
	r = ioctl_id(user_fd, NS_GET_PARENT, &parent);
	if (r < 0)
		return iso_fail(ctx, "NS_GET_PARENT on the child's user namespace: %s",
				strerror(-r));
	iso_note(ctx, "user_parent", "%lu", (unsigned long)parent.ino);
	if (!nsm_id_eq(&parent, &self_user))
		return iso_fail(ctx, "NS_GET_PARENT names %lu, not our user namespace %lu",
				(unsigned long)parent.ino, (unsigned long)self_user.ino);
	type = ioctl(user_fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWUSER)
		return iso_fail(ctx, "NS_GET_NSTYPE says 0x%x for a user namespace", type);
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_CASE(
		uid_map_written_once,
		.doc = "a second write to /proc/PID/uid_map fails with EPERM (user_namespaces(7))",
		.timeout_ms = 5000,
		.req = USER_REQ_ROOT(
			"acts as uid 65534 writing its own maps (unmapped in a one-uid user namespace)")),
	ISO_VARIANT(
		gid_map_needs_setgroups_deny, map_rule_case, ISO_ARG(enum map_rule, RULE_SETGROUPS),
		.doc = "without CAP_SETGID in the parent ns, gid_map needs setgroups \"deny\" first "
		       "(user_namespaces(7))",
		.timeout_ms = 5000, .req = USER_REQ_AS_NOBODY(.kernel = "3.19")),
	ISO_VARIANT(unprivileged_maps_only_own_uid, map_rule_case,
		    ISO_ARG(enum map_rule, RULE_OWN_UID),
		    .doc = "without CAP_SETUID in the parent ns, a writer maps only its own uid "
			   "(user_namespaces(7))",
		    .timeout_ms = 5000, .req = USER_REQ_AS_NOBODY()),
	ISO_CASE(unmapped_ids_show_as_overflow,
		 .doc = "unmapped ids show as overflowuid/overflowgid (user_namespaces(7))",
		 .timeout_ms = 5000, .req = USER_REQ_USERNS),
	ISO_CASE(unprivileged_creator_is_root_inside,
		 .doc = "an unprivileged user's new user ns makes it uid 0 with full CapEff "
			"(user_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = USER_REQ_ROOT(
			 "setuid(2) to uid 65534 (unmapped in a one-uid user namespace)",
			 .sysctl = "user.max_user_namespaces>=2")),
	ISO_CASE(
		unprivileged_root_gains_nothing_outside,
		.doc = "root of an unprivileged user ns cannot open a root-only file or sethostname "
		       "outside (user_namespaces(7))",
		.timeout_ms = 5000,
		.req = { .root = true,
			 .root_for =
				 "setuid(2) to uid 65534 and files of the initial user namespace's root",
			 .ns = CLONE_NEWUSER | CLONE_NEWUTS,
			 .sysctl = "user.max_user_namespaces>=2" }),
	ISO_CASE(
		caps_lost_on_execve_as_nonzero_uid,
		.doc = "a nonzero uid in a user ns loses its capabilities across execve "
		       "(capabilities(7))",
		.timeout_ms = 5000,
		.req = { .root = true, .userns_ok = true, .ns = CLONE_NEWUSER, .files = "/bin/sh" }),
	ISO_CASE(
		nesting_depth_limited,
		.doc = "user namespaces nest 32 deep, then unshare fails with ENOSPC "
		       "(user_namespaces(7), clone(2))",
		.timeout_ms = 5000,
		.req = USER_REQ_ROOT(
			"the absolute user namespace depth, known only from the initial user namespace",
			.kernel = "3.11", .sysctl = "user.max_user_namespaces>=40")),
	ISO_CASE(setns_to_sibling_userns_refused,
		 .doc = "setns into a sibling user ns fails with EPERM (setns(2))",
		 .timeout_ms = 5000, .req = USER_REQ_USERNS),
	ISO_CASE(nsfs_ioctls_name_owner_and_parent,
		 .doc = "NS_GET_USERNS and NS_GET_PARENT return the owning and parent user ns "
			"(ioctl_ns(2))",
		 .timeout_ms = 5000,
		 .req = { .root = true,
			  .userns_ok = true,
			  .ns = CLONE_NEWUSER | CLONE_NEWUTS,
			  .kernel = "4.9" }),
};

const struct iso_suite iso_suite_userns = ISO_SUITE("userns", cases);
