// SPDX-License-Identifier: MIT
/*
 * "Pod" composition: two containers that share the network, IPC and UTS
 * namespaces of an infrastructure ("pause") process but each have a PID
 * namespace of their own. They reach each other over TCP on 127.0.0.1 and
 * share System V IPC objects by key, yet neither sees the other's processes
 * (namespaces(7), network_namespaces(7), ipc_namespaces(7),
 * uts_namespaces(7), pid_namespaces(7); Kubernetes pods, podman pods).
 *
 * The pause process is cloned with CLONE_NEWNET|CLONE_NEWIPC|CLONE_NEWUTS,
 * brings lo up and sets a hostname. The case process joins its namespaces
 * with setns(2) just long enough to clone each container into them (with
 * CLONE_NEWPID|CLONE_NEWNS; each container mounts a fresh /proc), then
 * returns to its own. Container A listens on 127.0.0.1 and creates a shared
 * memory segment; B connects, sends a token and reads the segment; while both
 * are alive each looks for the other with kill(pid, 0) and in its /proc.
 *
 * Every case runs the same pod; each asserts one property, and its negative
 * control gives both containers a namespace of their own for the shared type
 * (or leaves them in one PID namespace), so that property must fail. Nothing
 * is created in the host's network or IPC namespace.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctr/ctr.h"
#include "netlink.h"

enum { A, B };

/* What each container saw, in memory shared with the case. */
struct pod_obs {
	int err; /* setup failure (errno), with what */
	char what[96];
	int connect_err; /* B: connect to A on 127.0.0.1 */
	char got[32]; /* A: the token B sent over TCP */
	int shm_err; /* B: shmget/shmat by A's key */
	char shm[32]; /* B: what the segment holds */
	char host[65]; /* gethostname */
	int kill_err; /* kill(other's pid, 0): 0 or errno */
	int nprocs; /* numeric entries of the container's fresh /proc */
	bool done;
};

struct pod_page {
	pid_t pid[2]; /* the containers' pids as the case (and the host) sees them */
	int port; /* A's listening port */
	key_t key;
	char token[32];
	char pause_host[65];
	struct pod_obs obs[2];
};

/* Which sharing to leave out (the negative controls). */
enum pod_ctl { POD_FULL, POD_OWN_NET, POD_OWN_IPC, POD_OWN_UTS, POD_SHARED_PID };

struct pod {
	struct iso_ctx *ctx;
	struct pod_page *pg;
	enum pod_ctl ctl;
	int who; /* A or B, in the container */
	struct iso_sync pause_ready, go[2], a_ready, b_checked, a_checked;
	unsigned int wait_ms;
};

static int obs_err(struct pod_obs *o, int err, const char *what)
{
	o->err = err;
	snprintf(o->what, sizeof(o->what), "%s", what);
	return 1;
}

/* ---- the pause process ---- */

static int pause_fn(void *arg)
{
	struct pod *p = arg;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (sethostname(p->pg->pause_host, strlen(p->pg->pause_host)) < 0)
		return 1;
	r = iso_nl_link_set_up("lo", true);
	if (r < 0)
		return 2;
	iso_sync_wake(&p->pause_ready);
	for (;;)
		pause();
	return 0;
}

/* ---- a container ---- */

/* Counts the numeric entries of /proc. Returns the count or -errno. */
static int count_pids(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

/* What both containers look at while the other is alive. */
static void observe(struct pod *p, struct pod_obs *o)
{
	pid_t other = p->pg->pid[p->who == A ? B : A];

	o->kill_err = kill(other, 0) < 0 ? errno : 0;
	o->nprocs = count_pids();
	if (gethostname(o->host, sizeof(o->host) - 1) < 0)
		snprintf(o->host, sizeof(o->host), "?");
}

static int container_a(struct pod *p, struct pod_obs *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	_cleanup_close_ int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int cs = -1;
	struct pollfd pf;
	int id;
	char *mem;

	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 4) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0)
		return obs_err(o, errno, "listen on 127.0.0.1");
	p->pg->port = ntohs(sa.sin_port);
	id = shmget(p->pg->key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return obs_err(o, errno, "shmget(IPC_CREAT)");
	mem = shmat(id, NULL, 0);
	if (mem == (void *)-1) {
		shmctl(id, IPC_RMID, NULL);
		return obs_err(o, errno, "shmat");
	}
	snprintf(mem, 32, "%s", p->pg->token);
	shmdt(mem);
	iso_sync_wake(&p->a_ready);
	/* B connects and sends before it signals: the connection is queued by then. */
	iso_sync_wait(&p->b_checked, p->wait_ms);
	pf = (struct pollfd){ .fd = ls, .events = POLLIN };
	if (poll(&pf, 1, 0) == 1 && (cs = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		pf = (struct pollfd){ .fd = cs, .events = POLLIN };
		if (poll(&pf, 1, (int)p->wait_ms) == 1) {
			ssize_t n = read(cs, o->got, sizeof(o->got) - 1);

			o->got[n > 0 ? n : 0] = '\0';
		}
	}
	observe(p, o);
	iso_sync_wake(&p->a_checked);
	shmctl(id, IPC_RMID, NULL);
	return 0;
}

static int container_b(struct pod *p, struct pod_obs *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	_cleanup_close_ int s = -1;
	size_t tl = strlen(p->pg->token);
	int id;
	char *mem;

	if (iso_sync_wait(&p->a_ready, p->wait_ms) < 0)
		return obs_err(o, ETIMEDOUT, "wait for container A");
	sa.sin_port = htons((uint16_t)p->pg->port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return obs_err(o, errno, "socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		o->connect_err = errno;
	else if (write(s, p->pg->token, tl) != (ssize_t)tl)
		o->connect_err = errno ? errno : EIO;
	id = shmget(p->pg->key, 0, 0);
	if (id < 0) {
		o->shm_err = errno;
	} else if ((mem = shmat(id, NULL, SHM_RDONLY)) == (void *)-1) {
		o->shm_err = errno;
	} else {
		snprintf(o->shm, sizeof(o->shm), "%.31s", mem);
		shmdt(mem);
	}
	observe(p, o);
	iso_sync_wake(&p->b_checked);
	/* Stay alive while A looks for this container. */
	iso_sync_wait(&p->a_checked, p->wait_ms);
	return 0;
}

static int container_fn(void *arg)
{
	struct pod *p = arg;
	struct pod_obs *o = &p->pg->obs[p->who];
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (iso_sync_wait(&p->go[p->who], p->wait_ms) < 0)
		return obs_err(o, ETIMEDOUT, "wait for the go");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return obs_err(o, errno, "mount a fresh /proc");
	if (p->ctl == POD_OWN_NET && (r = iso_nl_link_set_up("lo", true)) < 0)
		return obs_err(o, -r, "bring up lo of the container's own netns");
	r = p->who == A ? container_a(p, o) : container_b(p, o);
	o->done = r == 0;
	return r;
}

/* ---- the case side ---- */

static const struct {
	int flag;
	const char *name;
} shared_types[] = {
	{ CLONE_NEWNET, "net" },
	{ CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWUTS, "uts" },
};

/* The namespace types a container gets of its own (the rest it shares with pause). */
static int own_types(enum pod_ctl ctl)
{
	return ctl == POD_OWN_NET ? CLONE_NEWNET :
	       ctl == POD_OWN_IPC ? CLONE_NEWIPC :
	       ctl == POD_OWN_UTS ? CLONE_NEWUTS :
				    0;
}

/* setns into each type in types from the fds in fds[] (index of shared_types). Returns 0 or -errno. */
static int enter(const int *fds, int types)
{
	for (size_t i = 0; i < ISO_ARRAY_SIZE(shared_types); i++)
		if ((types & shared_types[i].flag) && setns(fds[i], shared_types[i].flag) < 0)
			return -errno;
	return 0;
}

struct pod_run {
	pid_t pause;
	pid_t c[2];
	int self[3], pause_ns[3];
};

static void pod_run_close(struct pod_run *r)
{
	enter(r->self, CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
	for (int i = 0; i < 3; i++) {
		iso_closep(&r->self[i]);
		iso_closep(&r->pause_ns[i]);
	}
	iso_kill_wait(r->c[A]);
	iso_kill_wait(r->c[B]);
	iso_kill_wait(r->pause);
}

static void pod_syncs_close(struct pod *p)
{
	iso_sync_close(&p->pause_ready);
	iso_sync_close(&p->go[A]);
	iso_sync_close(&p->go[B]);
	iso_sync_close(&p->a_ready);
	iso_sync_close(&p->b_checked);
	iso_sync_close(&p->a_checked);
}

/* Runs the pod; p->pg holds what the containers saw. Returns ISO_PASS or broken. */
static enum iso_verdict pod_run(struct pod *p)
{
	struct iso_ctx *ctx = p->ctx;
	struct pod_run __attribute__((cleanup(pod_run_close)))
	r = { .self = { -1, -1, -1 }, .pause_ns = { -1, -1, -1 } };
	unsigned long flags = CLONE_NEWNS | (p->ctl == POD_SHARED_PID ? 0 : CLONE_NEWPID) |
			      own_types(p->ctl);
	int shared = (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) & ~own_types(p->ctl);
	char path[64];
	int st, e;

	if (iso_sync_init(&p->pause_ready) < 0 || iso_sync_init(&p->go[A]) < 0 ||
	    iso_sync_init(&p->go[B]) < 0 || iso_sync_init(&p->a_ready) < 0 ||
	    iso_sync_init(&p->b_checked) < 0 || iso_sync_init(&p->a_checked) < 0)
		return iso_broken(ctx, -errno, "pipes");
	r.pause = iso_spawn(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS, pause_fn, p);
	if (r.pause < 0)
		return iso_broken(ctx, r.pause, "clone the pause process (net, ipc, uts)");
	if (iso_sync_wait(&p->pause_ready, p->wait_ms) < 0)
		return iso_broken(ctx, -ETIMEDOUT,
				  "the pause process did not get ready "
				  "(hostname, lo up)");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(shared_types); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", shared_types[i].name);
		r.self[i] = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)r.pause, shared_types[i].name);
		r.pause_ns[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (r.self[i] < 0 || r.pause_ns[i] < 0)
			return iso_broken(ctx, -errno, "open the %s namespace files",
					  shared_types[i].name);
	}
	for (int w = A; w <= B; w++) {
		p->who = w;
		e = enter(r.pause_ns, shared);
		if (e < 0)
			return iso_broken(ctx, e, "setns into the pause's namespaces");
		r.c[w] = iso_spawn(flags, container_fn, p);
		e = enter(r.self, shared);
		if (r.c[w] < 0)
			return iso_broken(ctx, r.c[w], "clone container %c", 'A' + w);
		if (e < 0)
			return iso_broken(ctx, e, "setns back into the case's namespaces");
		p->pg->pid[w] = r.c[w];
	}
	iso_sync_wake(&p->go[A]);
	iso_sync_wake(&p->go[B]);
	for (int w = A; w <= B; w++) {
		e = iso_wait_timeout(r.c[w], &st, 4 * p->wait_ms);
		if (e < 0)
			return iso_broken(ctx, e, "wait for container %c", 'A' + w);
		r.c[w] = -1;
		if (p->pg->obs[w].err)
			return iso_broken(ctx, -p->pg->obs[w].err, "container %c: %s", 'A' + w,
					  p->pg->obs[w].what);
		if (!WIFEXITED(st) || WEXITSTATUS(st) || !p->pg->obs[w].done)
			return iso_broken(ctx, 0, "container %c ended with status 0x%x", 'A' + w,
					  st);
	}
	for (int w = A; w <= B; w++)
		iso_note(ctx, w == A ? "a_sees" : "b_sees",
			 "kill(other)=%s, /proc pids=%d, host=%s",
			 p->pg->obs[w].kill_err ? strerror(p->pg->obs[w].kill_err) : "ok",
			 p->pg->obs[w].nprocs, p->pg->obs[w].host);
	return ISO_PASS;
}

enum pod_check { CHECK_TCP, CHECK_IPC, CHECK_UTS, CHECK_PIDS };

static enum iso_verdict check(struct iso_ctx *ctx, const struct pod_page *pg, enum pod_check c)
{
	const struct pod_obs *a = &pg->obs[A], *b = &pg->obs[B];

	switch (c) {
	case CHECK_TCP:
		if (b->connect_err)
			return iso_fail(ctx,
					"B's connect to 127.0.0.1:%d (A's listener) failed: %s",
					pg->port, strerror(b->connect_err));
		if (strcmp(a->got, pg->token))
			return iso_fail(ctx, "A received \"%s\", not B's token", a->got);
		return ISO_PASS;
	case CHECK_IPC:
		if (b->shm_err)
			return iso_fail(ctx,
					"B cannot find A's shared memory segment by key 0x%x: %s",
					(unsigned int)pg->key, strerror(b->shm_err));
		if (strcmp(b->shm, pg->token))
			return iso_fail(ctx, "B's segment of key 0x%x holds \"%s\", not A's token",
					(unsigned int)pg->key, b->shm);
		return ISO_PASS;
	case CHECK_UTS:
		for (int w = A; w <= B; w++)
			if (strcmp(pg->obs[w].host, pg->pause_host))
				return iso_fail(ctx,
						"container %c has hostname \"%s\", not the pod's "
						"\"%s\"",
						'A' + w, pg->obs[w].host, pg->pause_host);
		return ISO_PASS;
	case CHECK_PIDS:
		for (int w = A; w <= B; w++) {
			const struct pod_obs *o = &pg->obs[w];

			if (o->kill_err != ESRCH)
				return iso_fail(ctx,
						"container %c can see the other: kill(%d, 0) gave "
						"%s, not ESRCH",
						'A' + w, (int)pg->pid[w == A ? B : A],
						o->kill_err ? strerror(o->kill_err) : "success");
			if (o->nprocs != 1)
				return iso_fail(ctx,
						"container %c's fresh /proc lists %d processes, "
						"not only its own",
						'A' + w, o->nprocs);
		}
		return ISO_PASS;
	}
	return ISO_BROKEN;
}

/* A case of the suite: what it checks, and what its control gives each container of its own. */
struct pod_variant {
	enum pod_check check;
	enum pod_ctl control;
};

/*
 * One body for the four cases: a pause process holds the pod's namespaces,
 * two containers join them (each in a PID namespace of its own), and the
 * variant's check runs; the control gives each container the namespace the
 * variant names instead (or, for the PID case, one PID namespace for both).
 *
 * localhost_tcp_reaches_other_container: two containers in the pod's network
 * namespace reach each other over TCP on 127.0.0.1: lo is one device of the
 * namespace (network_namespaces(7)). Control: each container in a network
 * namespace of its own (lo up), where A's port is closed.
 *
 * sysv_shm_shared_by_key: containers in the pod's IPC namespace find each
 * other's System V shared memory by key (ipc_namespaces(7)). Control: an IPC
 * namespace each.
 *
 * uts_hostname_shared: containers in the pod's UTS namespace see the hostname
 * the pause process set (uts_namespaces(7)). Control: a UTS namespace each (a
 * copy of the case's).
 *
 * containers_see_none_of_each_others_processes: with a PID namespace each,
 * neither container can signal the other (kill(pid, 0) fails with ESRCH) and a
 * fresh /proc lists only its own process (pid_namespaces(7)), though they share
 * network, IPC and UTS. Control: both containers in one PID namespace (the
 * case's).
 */
static enum iso_verdict pod_case(struct iso_ctx *ctx)
{
	const struct pod_variant *var = iso_ctx_arg(ctx);
	struct pod p = { .ctx = ctx,
			 .ctl = iso_ctx_is_control(ctx) ? var->control : POD_FULL,
			 .wait_ms = iso_ctx_ms(ctx, 3000) };
	char name[16];
	enum iso_verdict v;

	p.pg = mmap(NULL, sizeof(*p.pg), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p.pg == MAP_FAILED)
		return iso_broken(ctx, -errno, "mmap");
	if (iso_ctx_name(ctx, name, sizeof(name), "pod") < 0)
		snprintf(name, sizeof(name), "isbpod");
	snprintf(p.pg->pause_host, sizeof(p.pg->pause_host), "%s", name);
	snprintf(p.pg->token, sizeof(p.pg->token), "tok-%s", iso_ctx_tag(ctx));
	p.pg->key = (key_t)(0x15b00000 ^ (int)strtol(iso_ctx_tag(ctx), NULL, 16));
	v = pod_run(&p);
	pod_syncs_close(&p);
	if (v == ISO_PASS)
		v = check(ctx, p.pg, var->check);
	munmap(p.pg, sizeof(*p.pg));
	return v;
}

#define POD_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
#define POD_REQ                                                                                  \
	{                                                                                        \
		.root = true, .ns = POD_NS, .kconfig = "SYSVIPC",                                \
		.root_for = "setns(2) back into the namespaces the case started in (the host's)" \
	}

static const struct iso_case cases[] = {
	ISO_VARIANT(
		localhost_tcp_reaches_other_container, pod_case,
		ISO_ARG(struct pod_variant, CHECK_TCP, POD_OWN_NET),
		.doc = "two containers of a pod (shared net namespace, own PID namespaces) reach "
		       "each other over TCP on 127.0.0.1 (network_namespaces(7))",
		.timeout_ms = 20000, .req = POD_REQ),
	ISO_VARIANT(sysv_shm_shared_by_key, pod_case,
		    ISO_ARG(struct pod_variant, CHECK_IPC, POD_OWN_IPC),
		    .doc = "two containers of a pod (shared IPC namespace) find a System V shared "
			   "memory segment by key (ipc_namespaces(7))",
		    .timeout_ms = 20000, .req = POD_REQ),
	ISO_VARIANT(uts_hostname_shared, pod_case,
		    ISO_ARG(struct pod_variant, CHECK_UTS, POD_OWN_UTS),
		    .doc = "two containers of a pod (shared UTS namespace) see the pod's hostname "
			   "(uts_namespaces(7))",
		    .timeout_ms = 20000, .req = POD_REQ),
	ISO_VARIANT(
		containers_see_none_of_each_others_processes, pod_case,
		ISO_ARG(struct pod_variant, CHECK_PIDS, POD_SHARED_PID),
		.doc = "two containers of a pod, each in its own PID namespace, cannot signal or "
		       "list each other's processes (pid_namespaces(7))",
		.timeout_ms = 20000, .req = POD_REQ),
};

const struct iso_suite iso_suite_pods = ISO_SUITE("pods", cases);
