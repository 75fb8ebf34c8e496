/* SPDX-License-Identifier: MIT */
/*
 * isobench: the API every conformance case and benchmark uses.
 *
 * A case is a function that gets a struct iso_ctx and returns a verdict. It runs
 * in its own forked child, in a private mount namespace, inside a cgroup the
 * runner created and will remove. Helpers here return >= 0 or -errno and never
 * exit; a human reason is attached only at the boundary (iso_fail, iso_broken,
 * iso_skip).
 */
#ifndef ISO_H
#define ISO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum iso_verdict { ISO_PASS = 0, ISO_FAIL, ISO_SKIP, ISO_BROKEN, ISO_ERROR, ISO_NVERDICTS };

const char *iso_verdict_name(enum iso_verdict v);
/* Returns the verdict for a name ("pass", "fail", ...), or -EINVAL. */
int iso_verdict_parse(const char *name);

/* Which cgroup hierarchy version a case needs. */
enum iso_cgv {
	ISO_CGV_ANY = 0,
	ISO_CGV_V1, /* at least one v1 controller hierarchy */
	ISO_CGV_V2, /* a cgroup2 hierarchy (controllers listed separately) */
	ISO_CGV_USABLE, /* any version, but the case needs a cgroup of its own */
};

/*
 * Requirements, declared as data and checked before a case forks. Lists are
 * space- or comma-separated.
 */
struct iso_req {
	bool root; /* needs uid 0 (CAP_SYS_ADMIN in the initial user ns) */
	/*
	 * With root: root in a fresh user namespace the user owns will do. Run by
	 * a user other than root, such a case's process first enters a user
	 * namespace of its own (the user mapped to 0 in it, setgroups denied) and
	 * runs there ("privilege": "userns" in results.json).
	 */
	bool userns_ok;
	/*
	 * With root: a cgroup of the case's own in a delegated cgroup v2 subtree will
	 * do (its files are the user's: cgroup-v2.rst, "Delegation"). Run by a user
	 * other than root who started isobench in such a subtree, the case runs as
	 * that user, with no user namespace ("privilege": "delegated").
	 */
	bool deleg_ok;
	/* With root and neither: what needs the initial user namespace. */
	const char *root_for;
	unsigned long ns; /* CLONE_NEW* flags whose namespace types must exist */
	const char *kernel; /* minimum kernel release, e.g. "5.8" */
	enum iso_cgv cgroup; /* hierarchy version needed */
	const char *controllers; /* "memory pids", or "memory@v2" / "freezer@v1" */
	const char *kconfig; /* "VETH OVERLAY_FS" (=y or =m; CONFIG_ optional) */
	const char *sysctl; /* "user.max_user_namespaces>=2 kernel.foo=1" */
	const char *files; /* paths that must exist, e.g. "/dev/loop-control" */
};

struct iso_ctx;

typedef enum iso_verdict (*iso_case_fn)(struct iso_ctx *ctx);

/*
 * A known kernel deviation: on kernels in [from, to) the case fails with exactly
 * this reason (a prefix match), which contradicts the documentation it cites. The
 * verdict stays fail; KTAP gives it an "ok ... # XFAIL known deviation: ..." line
 * (its reason in a "# fail:" diagnostic before it), results.json carries
 * "known_deviation", and it does not fail the run.
 */
struct iso_known {
	const char *from; /* first kernel release that shows it; NULL: any */
	const char *to; /* first release that no longer does; NULL: still open */
	const char *reason; /* the fail reason the kernel gives, from its start */
	const char *what; /* what is known, and where it was seen */
};

/*
 * A case: one function for the case and its negative control. The function
 * reads iso_ctx_is_control() (the same assertion with the isolation left out,
 * which must fail) and iso_ctx_arg() (the variant: several cases may share one
 * body, as kselftest's FIXTURE_VARIANT does).
 */
struct iso_case {
	const char *id; /* snake_case, unique in its suite; full id is suite.id */
	const char *doc; /* one line: what the kernel does, and where that is documented */
	iso_case_fn fn; /* the case and its control */
	const void *arg; /* the variant's data, or NULL */
	unsigned int timeout_ms; /* 0: 10 s (times --timeout-mul) */
	struct iso_req req;
	const struct iso_known *known; /* known deviations, ended by { 0 }; or NULL */
};

/*
 * The one table style every suite uses:
 *   ISO_CASE(fn, .doc = "...", .req = { ... })             id is the function's name
 *   ISO_VARIANT(id, fn, &arg, .doc = "...", .req = { ... }) a shared body with data
 */
#define ISO_CASE(fn_, ...)                         \
	{                                          \
		.id = #fn_, .fn = fn_, __VA_ARGS__ \
	}
#define ISO_VARIANT(id_, fn_, arg_, ...)                        \
	{                                                       \
		.id = #id_, .fn = fn_, .arg = arg_, __VA_ARGS__ \
	}
/* A constant of a type, for ISO_VARIANT's arg: ISO_ARG(int, CLONE_NEWNET). */
#define ISO_ARG(type, ...) (&(const type){ __VA_ARGS__ })

/* One file's table of cases, for a suite spread over several files. */
struct iso_cases {
	const struct iso_case *cases;
	size_t n;
};

struct iso_suite {
	const char *name;
	const struct iso_case *cases; /* a suite in one file: its table */
	size_t ncases;
	const struct iso_cases *const *parts; /* or one table per file, NULL-terminated */
	bool hidden; /* harness self-tests: not listed, run only with ISOBENCH_SELFTEST=1 */
};

#define ISO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* const struct iso_suite iso_suite_utsns = ISO_SUITE("utsns", cases); */
#define ISO_SUITE(n, arr)                                                  \
	{                                                                  \
		.name = (n), .cases = (arr), .ncases = ISO_ARRAY_SIZE(arr) \
	}
/* const struct iso_cases pidns_signal_cases = ISO_CASES(cases); in each file, then
 * ISO_SUITE_PARTS("pidns", &pidns_signal_cases, &pidns_nesting_cases) in one of them. */
#define ISO_CASES(arr)                                   \
	{                                                \
		.cases = (arr), .n = ISO_ARRAY_SIZE(arr) \
	}
#define ISO_SUITE_PARTS(n, ...)                                         \
	{                                                               \
		.name = (n), .parts = (const struct iso_cases *const[]) \
		{                                                       \
			__VA_ARGS__, NULL                               \
		}                                                       \
	}

/* How many cases a suite has, and the k-th of them (k < iso_suite_size). */
size_t iso_suite_size(const struct iso_suite *s);
const struct iso_case *iso_suite_at(const struct iso_suite *s, size_t k);

/* ---- verdicts and observations, from inside a case ---- */

/* Each returns the verdict it names, with a reason (printf format). */
enum iso_verdict iso_fail(struct iso_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum iso_verdict iso_skip(struct iso_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* err is a negative errno (or 0); its text is appended to the reason. */
enum iso_verdict iso_broken(struct iso_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The verdict of a call that must fail with err (a positive errno): ISO_PASS when
 * r is -err; else a fail saying "<what> succeeded, expected EPERM" (r >= 0) or
 * "<what> failed with <strerror>, expected EPERM". r is the call's result as our
 * helpers return it: >= 0, or a negative errno.
 */
enum iso_verdict iso_expect_errno(struct iso_ctx *ctx, long r, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same, and first notes under key what the call gave: its error's text, or "accepted". */
enum iso_verdict iso_expect_errno_noted(struct iso_ctx *ctx, const char *key, long r, int err,
					const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * Error context, recorded once where an error happens and carried upward (as
 * crun's libcrun_error_t): iso_err() stores "what: strerror(err)", or wraps a
 * context already stored as "what: <that>", and returns err, so a helper ends
 * with `return iso_err(ctx, -errno, "write %s", path);` and its callers only
 * propagate. iso_broken_err() turns the stored context into the verdict (the
 * errno text alone where nothing was stored). err is a negative errno.
 */
int iso_err(struct iso_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum iso_verdict iso_broken_err(struct iso_ctx *ctx, int err);
/* Records a kernel fact the case observed ("observed" in results.json). */
void iso_note(struct iso_ctx *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints a diagnostic line (KTAP comment) when run with -v. */
void iso_log(struct iso_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- what a case can see of its surroundings ---- */

struct iso_cg;
struct iso_cg_layout;

/* The cgroup the runner created for this case (every hierarchy), or NULL. */
struct iso_cg *iso_ctx_cgroup(struct iso_ctx *ctx);
const struct iso_cg_layout *iso_ctx_layout(struct iso_ctx *ctx);
/* A directory of the case's own, removed by the runner afterwards. */
const char *iso_ctx_dir(struct iso_ctx *ctx);
/* The run tag (6 hex digits) that names every object of this run. */
const char *iso_ctx_tag(struct iso_ctx *ctx);
/* True while running the negative control. */
bool iso_ctx_is_control(const struct iso_ctx *ctx);
/*
 * True when the case runs as root of a user namespace of its own (a rootless
 * run of a userns_ok case): mounts it inherited are locked, ids other than 0
 * are unmapped, setgroups(2) is denied.
 */
bool iso_ctx_in_userns(const struct iso_ctx *ctx);
/* The case's variant data (ISO_VARIANT's arg), or NULL. */
const void *iso_ctx_arg(const struct iso_ctx *ctx);
/*
 * Every wait of a case goes through this: ms times the timeout multiplier
 * (--timeout-mul), so slow machines and TCG guests stretch all of them alike.
 */
unsigned int iso_ctx_ms(const struct iso_ctx *ctx, unsigned int ms);

/*
 * Writes a tagged name for a named kernel object into buf: "isb<tag><suffix>"
 * (at most 15 characters, fits IFNAMSIZ). Returns the length or -ENAMETOOLONG.
 */
int iso_ctx_name(struct iso_ctx *ctx, char *buf, size_t len, const char *suffix);

/*
 * Named objects a case creates that outlive its processes (a named netns bind
 * mount, a link in a namespace the runner can reach) go into the ledger before
 * they are created; the runner tears them down after the case and `isobench
 * cleanup` after a killed run. kind: "netns" (path of the bind mount), "link"
 * (interface name in the runner's network namespace), "mount" (path), "dir",
 * "cgroup" (absolute directory). Returns 0 or -errno.
 */
int iso_ledger_add(struct iso_ctx *ctx, const char *kind, const char *what);

/* ---- small helpers shared by cases and benchmarks (harness/util.c) ---- */

/* Writes the formatted string to path (no O_CREAT). Returns 0 or -errno. */
int iso_write_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads up to len-1 bytes, NUL-terminates, strips one trailing newline. Returns length or -errno. */
ssize_t iso_read_file(const char *path, char *buf, size_t len);
/* Reads a whole file into a malloc'd NUL-terminated buffer. Returns length or -errno. */
ssize_t iso_read_file_alloc(const char *path, char **out);
/* Reads one integer (or "max" as INT64_MAX) from path. Returns 0 or -errno. */
int iso_read_i64(const char *path, int64_t *out);
/* Finds "key value" or "key=value" line in a flat-keyed file; returns 0 or -ENOENT/-errno. */
int iso_read_keyed(const char *path, const char *key, int64_t *out);

/* Monotonic time in nanoseconds / milliseconds. */
uint64_t iso_now_ns(void);
uint64_t iso_now_ms(void);
/* Sleeps for ms milliseconds (restarts on EINTR). */
void iso_sleep_ms(unsigned int ms);

/*
 * Forks (via the raw clone syscall with the given CLONE_NEW* flags and SIGCHLD)
 * a child that runs fn(arg) and _exits with its return value. Returns the pid
 * or -errno.
 */
pid_t iso_spawn(unsigned long flags, int (*fn)(void *arg), void *arg);
/*
 * Waits up to timeout_ms for pid to exit; stores the wait status. Returns 0,
 * -ETIMEDOUT (the child is left running) or -errno.
 */
int iso_wait_timeout(pid_t pid, int *status, unsigned int timeout_ms);
/* Kills pid with SIGKILL and reaps it; accepts pid <= 0. */
void iso_kill_wait(pid_t pid);
/* True if pid is still running (not a zombie) after ms milliseconds. */
bool iso_proc_alive_after(pid_t pid, unsigned int ms);
/* Reads the state letter of /proc/PID/stat ('R', 'S', 'Z', 'T', ...), or -errno. */
int iso_proc_state(pid_t pid);
/* pidfd_open(2) through syscall(); returns fd or -errno (-ENOSYS before 5.3). */
int iso_pidfd_open(pid_t pid);

/*
 * A one-shot notification between related processes: a pipe. iso_sync_init
 * before fork; one side iso_sync_wake (writes a byte), the other
 * iso_sync_wait (waits up to timeout_ms). Returns 0 or -errno / -ETIMEDOUT.
 */
struct iso_sync {
	int fd[2];
};
int iso_sync_init(struct iso_sync *s);
int iso_sync_wake(struct iso_sync *s);
int iso_sync_wait(struct iso_sync *s, unsigned int timeout_ms);
void iso_sync_close(struct iso_sync *s);

/* Inode number of /proc/PID/ns/NAME (pid 0: self). Returns >0 or -errno. */
int64_t iso_ns_ino(pid_t pid, const char *name);

/* Kernel release compare: <0, 0, >0 like strcmp; "5.8" vs "5.10.0-foo". */
int iso_kver_cmp(const char *a, const char *b);

/* ---- cleanup attributes (GNU C) ---- */

void iso_freep(void *p);
void iso_closep(int *fd);
void iso_killp(pid_t *pid);
#define _cleanup_free_ __attribute__((cleanup(iso_freep)))
#define _cleanup_close_ __attribute__((cleanup(iso_closep)))
#define _cleanup_pid_ __attribute__((cleanup(iso_killp)))

/*
 * len bytes shared with forked children (MAP_SHARED | MAP_ANONYMOUS), zeroed, or NULL
 * (errno set). The mapping keeps its length, so iso_shared_free needs only p (NULL is
 * fine), and _cleanup_shared_ frees it at the end of a scope.
 */
void *iso_shared_alloc(size_t len);
void iso_shared_free(void *p);
void iso_shared_freep(void *pp);
#define _cleanup_shared_ __attribute__((cleanup(iso_shared_freep)))

#endif
