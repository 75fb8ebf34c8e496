// SPDX-License-Identifier: MIT
/*
 * IPC namespaces (ipc_namespaces(7)): System V IPC objects (sysvipc(7)) and
 * POSIX message queues (mq_overview(7)) belong to an IPC namespace; the same
 * key names different objects in different namespaces, and the objects are
 * destroyed with their namespace.
 *
 * Every case first moves the case process into a scratch IPC namespace of its
 * own ("the parent"), so neither a case nor its control creates anything in the
 * host's IPC namespace: what it makes dies with the case process at the latest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "iso.h"
#include "nsgeneric/nsm.h"

#define IPC_MS 3000
#define IPC_KEY 0x15b0c0de
#define BIG_SHM (16 << 20) /* a segment large enough to see it freed in memory.current */

enum sysv_kind { SYSV_SHM, SYSV_SEM, SYSV_MSG };

static const char *const kind_name[] = { "shared memory segment", "semaphore set",
					 "message queue" };

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct msgbuf_isb {
	long mtype;
	char mtext[32];
};

/* Looks key up without creating it. Returns the id or -errno. */
static int sysv_get(enum sysv_kind k, key_t key)
{
	int id = k == SYSV_SHM ? shmget(key, 0, 0) :
		 k == SYSV_SEM ? semget(key, 0, 0) :
				 msgget(key, 0);

	return id < 0 ? -errno : id;
}

/* Creates key exclusively (a shm segment of size bytes). Returns the id or -errno. */
static int sysv_create(enum sysv_kind k, key_t key, size_t size)
{
	int fl = IPC_CREAT | IPC_EXCL | 0600;
	int id = k == SYSV_SHM ? shmget(key, size, fl) :
		 k == SYSV_SEM ? semget(key, 1, fl) :
				 msgget(key, fl);

	return id < 0 ? -errno : id;
}

/* Stores marker in the object (segment contents, semaphore value, one message). Returns 0 or -errno. */
static int sysv_mark(enum sysv_kind k, int id, const char *marker)
{
	if (k == SYSV_SHM) {
		char *p = shmat(id, NULL, 0);

		if (p == (void *)-1)
			return -errno;
		snprintf(p, 32, "%s", marker);
		shmdt(p);
		return 0;
	}
	if (k == SYSV_SEM) {
		union semun u = { .val = 42 };

		return semctl(id, 0, SETVAL, u) < 0 ? -errno : 0;
	}
	struct msgbuf_isb m = { .mtype = 1 };

	snprintf(m.mtext, sizeof(m.mtext), "%s", marker);
	return msgsnd(id, &m, sizeof(m.mtext), IPC_NOWAIT) < 0 ? -errno : 0;
}

/* Returns 1 if the object carries marker, 0 if it is fresh (empty), or -errno. */
static int sysv_marked(enum sysv_kind k, int id, const char *marker)
{
	if (k == SYSV_SHM) {
		char *p = shmat(id, NULL, SHM_RDONLY);
		int r;

		if (p == (void *)-1)
			return -errno;
		r = !strncmp(p, marker, strlen(marker));
		shmdt(p);
		return r;
	}
	if (k == SYSV_SEM) {
		union semun u = { .val = 0 };
		int v = semctl(id, 0, GETVAL, u);

		return v < 0 ? -errno : v == 42;
	}
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	return ds.msg_qnum > 0;
}

struct same_key {
	enum sysv_kind kind;
	char marker[32];
	int get_err; /* the child's lookup of the key: 0 (found) or -errno */
	int create_err; /* the child's exclusive create: 0 or -errno */
	int fresh; /* the child's new object: 0 fresh, 1 carries the marker, -errno */
};

/* In the child: the key must be unknown and creatable, and the new object empty. */
static int same_key_child(void *arg)
{
	struct same_key *s = arg;
	int id = sysv_get(s->kind, IPC_KEY);

	s->get_err = id < 0 ? id : 0;
	if (id >= 0)
		return 0;
	id = sysv_create(s->kind, IPC_KEY, 4096);
	s->create_err = id < 0 ? id : 0;
	if (id < 0)
		return 0;
	s->fresh = sysv_marked(s->kind, id, s->marker);
	return 0;
}

/*
 * One body for the three same-key cases (the variant says which kind of
 * object): the child looks the parent's key up in a new IPC namespace or, as the
 * negative control, in the parent's own.
 */
static enum iso_verdict same_key_case(struct iso_ctx *ctx)
{
	enum sysv_kind kind = *(const enum sysv_kind *)iso_ctx_arg(ctx);
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, IPC_MS);
	enum iso_verdict v = ISO_PASS;
	struct same_key *s;
	int id, r;

	if (unshare(CLONE_NEWIPC) < 0)
		return iso_broken(ctx, -errno, "unshare(CLONE_NEWIPC) for the scratch parent");
	s = iso_shared_alloc(sizeof(*s));
	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	s->kind = kind;
	snprintf(s->marker, sizeof(s->marker), "isb%s", iso_ctx_tag(ctx));
	id = sysv_create(kind, IPC_KEY, 4096);
	if (id == -ENOSYS) {
		v = iso_skip(ctx, "System V IPC is not built in (CONFIG_SYSVIPC)");
		goto out;
	}
	r = id < 0 ? id : sysv_mark(kind, id, s->marker);
	if (r < 0) {
		v = iso_broken(ctx, r, "create the parent's %s", kind_name[kind]);
		goto out;
	}
	r = nsm_call(isolate ? CLONE_NEWIPC : 0, same_key_child, s, ms);
	if (r != 0) {
		v = iso_broken(ctx, r < 0 ? r : -EIO, "run the child");
		goto out;
	}
	iso_note(ctx, "child_lookup", "%s", s->get_err ? strerror(-s->get_err) : "found");
	if (s->get_err == 0) {
		v = iso_fail(ctx, "the child's lookup of key 0x%x found the parent's %s", IPC_KEY,
			     kind_name[kind]);
	} else if (s->get_err != -ENOENT) {
		v = iso_fail(ctx, "the child's lookup of key 0x%x failed with %s, not ENOENT",
			     IPC_KEY, strerror(-s->get_err));
	} else if (s->create_err) {
		v = iso_fail(ctx, "the child cannot create its own %s with key 0x%x: %s",
			     kind_name[kind], IPC_KEY, strerror(-s->create_err));
	} else if (s->fresh != 0) {
		v = s->fresh < 0 ? iso_broken(ctx, s->fresh, "inspect the child's object") :
				   iso_fail(ctx, "the child's new %s holds the parent's data",
					    kind_name[kind]);
	} else if ((r = sysv_marked(kind, id, s->marker)) != 1) {
		v = r < 0 ? iso_broken(ctx, r, "inspect the parent's object") :
			    iso_fail(ctx, "the parent's %s lost its data to the child's",
				     kind_name[kind]);
	}
out:
	iso_shared_free(s);
	return v;
}

/* ---- objects live and die with their namespace ---- */

/*
 * Creator: a big touched segment, a semaphore set and a queue, then waits (at
 * most *arg ms) to be told to exit.
 */
static int creator(struct nsm_proc *self, void *arg)
{
	unsigned int linger_ms = *(unsigned int *)arg;
	int ids[3], r = 0, v;

	ids[SYSV_SHM] = sysv_create(SYSV_SHM, IPC_KEY, BIG_SHM);
	ids[SYSV_SEM] = sysv_create(SYSV_SEM, IPC_KEY, 0);
	ids[SYSV_MSG] = sysv_create(SYSV_MSG, IPC_KEY, 0);
	for (int k = 0; k < 3 && !r; k++)
		if (ids[k] < 0)
			r = ids[k];
	if (!r) {
		char *p = shmat(ids[SYSV_SHM], NULL, 0);

		if (p == (void *)-1) {
			r = -errno;
		} else {
			memset(p, 0x5a, BIG_SHM);
			shmdt(p);
		}
	}
	nsm_send(self, r);
	nsm_recv(self, &v, linger_ms);
	return 0;
}

/* Returns 1 if /proc/sysvipc/FILE lists key, 0 if not, or -errno. */
static int sysvipc_lists(const char *file, key_t key)
{
	_cleanup_free_ char *txt = NULL;
	char path[64], *line, *save = NULL;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", file);
	n = iso_read_file_alloc(path, &txt);
	if (n < 0)
		return n;
	line = strtok_r(txt, "\n", &save); /* header */
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strtoll(line, NULL, 10) == (long long)key)
			return 1;
	return 0;
}

/* Reader: joins the namespace through the inherited fd, returns a bit per kind listed. */
static int reader(void *arg)
{
	static const char *const files[] = { "shm", "sem", "msg" };
	int fd = *(int *)arg, mask = 0;

	if (setns(fd, CLONE_NEWIPC) < 0)
		return 0x80;
	for (int k = 0; k < 3; k++) {
		int r = sysvipc_lists(files[k], IPC_KEY);

		if (r < 0)
			return 0x40;
		mask |= r << k;
	}
	return mask;
}

/*
 * SysV objects outlive their creator while their IPC namespace is referenced
 * (here by an fd of /proc/PID/ns/ipc: a process that setns'd through it lists
 * them in /proc/sysvipc/{shm,sem,msg}), and are destroyed with the namespace
 * when the last reference goes (ipc_namespaces(7): "the IPC objects in the
 * namespace are automatically destroyed"); the freed segment shows as its pages
 * leaving memory.current of the case's cgroup. Control: the creator uses the
 * parent's namespace, which the case process keeps alive.
 */
static enum iso_verdict sysv_objects_live_and_die_with_namespace(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, IPC_MS);
	unsigned int linger_ms = iso_ctx_ms(ctx, 10000);
	struct iso_cg *cg = iso_ctx_cgroup(ctx);
	_cleanup_nsm_proc_ struct nsm_proc c = NSM_PROC_INIT;
	int64_t base = 0, held = 0, now = 0;
	char buf[64];
	uint64_t deadline;
	_cleanup_close_ int fd = -1;
	int r, res;

	if (!cg || iso_cg_read(cg, "memory.current", buf, sizeof(buf)) < 0)
		return iso_skip(ctx,
				"no memory.current (or v1 memory.usage_in_bytes) in the case's "
				"cgroup to see the segment's pages freed");
	if (unshare(CLONE_NEWIPC) < 0)
		return iso_broken(ctx, -errno, "unshare(CLONE_NEWIPC) for the scratch parent");
	base = strtoll(buf, NULL, 10);
	r = nsm_proc_start(&c, isolate ? CLONE_NEWIPC : 0, creator, &linger_ms);
	if (r < 0)
		return iso_broken(ctx, r, "clone the creator");
	r = nsm_recv(&c, &res, ms);
	if (r < 0 || res < 0)
		return iso_broken(ctx, r < 0 ? r : res, "the creator makes its objects");
	fd = nsm_ns_open(c.pid, "ipc");
	if (fd < 0)
		return iso_broken(ctx, fd, "open /proc/PID/ns/ipc of the creator");
	nsm_send(&c, 0);
	r = nsm_proc_wait(&c, ms);
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "the creator exits");
	/* The creator is gone; the fd alone keeps the namespace and so its objects. */
	r = nsm_call(0, reader, &fd, ms);
	iso_note(ctx, "listed_while_fd_held", "0x%x", r);
	if (r != 7) {
		if (r < 0 || r >= 0x40)
			return iso_broken(
				ctx, r < 0 ? r : -EIO,
				"join the namespace through the fd and read /proc/sysvipc");
		return iso_fail(ctx,
				"after the creator exited, a process joined through the kept fd "
				"lists only 0x%x of shm|sem|msg (want 0x7)",
				r);
	}
	iso_cg_read(cg, "memory.current", buf, sizeof(buf));
	held = strtoll(buf, NULL, 10);
	iso_note(ctx, "memory_current_held", "%" PRId64 " (base %" PRId64 ")", held, base);
	if (held - base < BIG_SHM * 3 / 4)
		return iso_broken(ctx, 0,
				  "the %d MiB segment is not charged to the case's cgroup (%" PRId64
				  " -> %" PRId64 ")",
				  BIG_SHM >> 20, base, held);
	/* Last reference gone: the namespace is freed (from a workqueue) with its objects. */
	close(fd);
	fd = -1;
	deadline = iso_now_ms() + iso_ctx_ms(ctx, 1000);
	do {
		iso_sleep_ms(iso_ctx_ms(ctx, 10));
		iso_cg_read(cg, "memory.current", buf, sizeof(buf));
		now = strtoll(buf, NULL, 10);
	} while (held - now < BIG_SHM * 3 / 4 && iso_now_ms() < deadline);
	iso_note(ctx, "memory_current_after_release", "%" PRId64, now);
	if (held - now < BIG_SHM * 3 / 4)
		return iso_fail(ctx,
				"after the last reference to the namespace was dropped the %d MiB "
				"segment is still charged (%" PRId64 " -> %" PRId64 " bytes)",
				BIG_SHM >> 20, held, now);
	return ISO_PASS;
}

/* ---- POSIX message queues ---- */

/* mq_open(2) without the libc wrapper (no -lrt): name without the leading slash. */
static int mq_create(const char *name)
{
	int fd = syscall(SYS_mq_open, name, O_CREAT | O_RDWR | O_CLOEXEC, 0600, NULL);

	return fd < 0 ? -errno : fd;
}

struct mq_arg {
	char name[32];
	char mnt[64];
};

/* Child: creates its queue and mounts the mqueue fs of its (current) IPC namespace. */
static int mq_child(void *arg)
{
	struct mq_arg *a = arg;
	int fd = mq_create(a->name);

	if (fd < 0)
		return 1;
	close(fd);
	return mount("mqueue", a->mnt, "mqueue", 0, NULL) < 0 ? 2 : 0;
}

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

/*
 * An mqueue filesystem mounted from an IPC namespace shows the POSIX message
 * queues of that namespace only (mq_overview(7), ipc_namespaces(7)). Both
 * mounts live on a tmpfs in the case's private mount namespace. Control: the
 * child stays in the parent's IPC namespace, so both mounts show both queues.
 */
static enum iso_verdict mqueue_fs_shows_own_namespace_queues(struct iso_ctx *ctx)
{
	bool isolate = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, IPC_MS);
	struct mq_arg child = { .mnt = "mq/child" };
	char mine[32];
	int fd, r;

	if (unshare(CLONE_NEWIPC) < 0)
		return iso_broken(ctx, -errno, "unshare(CLONE_NEWIPC) for the scratch parent");
	if (mkdir("mq", 0755) < 0 || mount("tmpfs", "mq", "tmpfs", 0, "size=64k") < 0 ||
	    mkdir("mq/parent", 0755) < 0 || mkdir("mq/child", 0755) < 0)
		return iso_broken(ctx, -errno, "a tmpfs with mount points");
	if (mount("mqueue", "mq/parent", "mqueue", 0, NULL) < 0) {
		if (errno == ENODEV)
			return iso_skip(ctx, "no mqueue filesystem (CONFIG_POSIX_MQUEUE)");
		return iso_broken(ctx, -errno, "mount mqueue in the parent");
	}
	snprintf(mine, sizeof(mine), "isb%sparent", iso_ctx_tag(ctx));
	snprintf(child.name, sizeof(child.name), "isb%schild", iso_ctx_tag(ctx));
	fd = mq_create(mine);
	if (fd < 0)
		return iso_broken(ctx, fd, "mq_open in the parent");
	close(fd);
	r = nsm_call(isolate ? CLONE_NEWIPC : 0, mq_child, &child, ms);
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO,
				  "the child creates a queue and mounts mqueue");
	if (dir_has("mq/parent", child.name) != 0)
		return iso_fail(ctx, "the parent's mqueue mount lists the child's queue %s",
				child.name);
	if (dir_has("mq/child", mine) != 0)
		return iso_fail(ctx, "the child's mqueue mount lists the parent's queue %s", mine);
	if (dir_has("mq/parent", mine) != 1 || dir_has("mq/child", child.name) != 1)
		return iso_fail(ctx, "a namespace's mqueue mount does not list its own queue");
	return ISO_PASS;
}

/*
 * shm_same_key_independent: shmget(2) with the same key in two IPC namespaces
 * names two independent segments: the child does not find the parent's,
 * creates its own with IPC_EXCL, and sees none of the parent's data
 * (ipc_namespaces(7), sysvipc(7)). Control: the child stays in the parent's IPC
 * namespace.
 *
 * sem_same_key_independent: as above for semget(2) semaphore sets
 * (ipc_namespaces(7)). Control: no new namespace.
 *
 * msg_same_key_independent: as above for msgget(2) message queues
 * (ipc_namespaces(7)). Control: no new namespace.
 */
/* What the three same-key variants need: root, or their own user namespace. */
#define SYSV_SAME_KEY_REQ                                                                 \
	{                                                                                 \
		.root = true, .userns_ok = true, .ns = CLONE_NEWIPC, .kconfig = "SYSVIPC" \
	}

static const struct iso_case cases[] = {
	ISO_VARIANT(shm_same_key_independent, same_key_case, ISO_ARG(enum sysv_kind, SYSV_SHM),
		    .doc = "the same shm key in two IPC namespaces names independent segments "
			   "(ipc_namespaces(7))",
		    .timeout_ms = 5000, .req = SYSV_SAME_KEY_REQ),
	ISO_VARIANT(sem_same_key_independent, same_key_case, ISO_ARG(enum sysv_kind, SYSV_SEM),
		    .doc = "the same semaphore key in two IPC namespaces names independent sets "
			   "(ipc_namespaces(7))",
		    .timeout_ms = 5000, .req = SYSV_SAME_KEY_REQ),
	ISO_VARIANT(
		msg_same_key_independent, same_key_case, ISO_ARG(enum sysv_kind, SYSV_MSG),
		.doc = "the same message queue key in two IPC namespaces names independent queues "
		       "(ipc_namespaces(7))",
		.timeout_ms = 5000, .req = SYSV_SAME_KEY_REQ),
	ISO_CASE(sysv_objects_live_and_die_with_namespace,
		 .doc = "SysV objects outlive their creator while the IPC ns is referenced and are "
			"destroyed with it (ipc_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = { .root = true,
			  .ns = CLONE_NEWIPC,
			  .controllers = "memory",
			  .kconfig = "SYSVIPC",
			  .files = "/proc/sysvipc/shm" }),
	ISO_CASE(mqueue_fs_shows_own_namespace_queues,
		 .doc = "an mqueue fs mounted in an IPC ns lists only that ns's POSIX queues "
			"(mq_overview(7))",
		 .timeout_ms = 5000,
		 .req = { .root = true,
			  .userns_ok = true,
			  .ns = CLONE_NEWIPC,
			  .kconfig = "POSIX_MQUEUE" }),
};

const struct iso_suite iso_suite_ipcns = ISO_SUITE("ipcns", cases);
