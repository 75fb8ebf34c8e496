/* SPDX-License-Identifier: MIT */
/* The runner's own types: not for cases (they see iso.h only). */
#ifndef ISO_RUNNER_H
#define ISO_RUNNER_H

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "cgroup.h"
#include "iso.h"
#include "netlink.h"
#include "select.h"

#define ISO_REASON_MAX 1024

/* Shared between the runner and the case's processes (MAP_SHARED). */
struct iso_page {
	int verdict_set;
	int verdict;
	char reason[ISO_REASON_MAX];
	size_t notes_len;
	char notes[16384]; /* "key\tvalue\n" */
	size_t log_len;
	char log[16384];
};

struct iso_ctx {
	const struct iso_suite *suite;
	const struct iso_case *c;
	struct iso_page *page;
	struct iso_cg *cg;
	const struct iso_cg_layout *layout;
	char dir[PATH_MAX];
	char tag[8];
	char ledger[PATH_MAX];
	bool control;
	bool userns; /* enter a user namespace of its own first (a rootless userns_ok case) */
	uid_t uid; /* the runner's ids, mapped to 0 in that user namespace */
	gid_t gid;
	unsigned int time_mul;
	int verbose;
	char err[ISO_REASON_MAX]; /* iso_err()'s context, in the case's process */
};

/* ---- requirements (req.c) ---- */

/* Facts the requirement check reads; filled from the host by iso_env_host(). */
struct iso_env {
	uid_t euid;
	char release[128];
	unsigned long ns_present; /* CLONE_NEW* flags whose /proc/self/ns entry exists */
	const struct iso_cg_layout *layout;
	/* Returns 'y', 'm', 'n' or -ENOENT (config unknown). */
	int (*kconfig)(const char *opt);
	/* Reads a sysctl ("user.max_user_namespaces") into buf; returns length or -errno. */
	ssize_t (*sysctl)(const char *name, char *buf, size_t len);
	/* Returns 0 if path exists. */
	int (*exists)(const char *path);
	bool cgroup_usable; /* the runner could create its cgroups */
	/* Not root: whether a user namespace can be made here, and if not, why. */
	bool userns;
	char userns_why[160];
	/* Not root: a delegated cgroup v2 subtree (the start cgroup is the user's to write). */
	bool cg_delegated;
	/* Why cgroup_usable is false, where known (a case needing cgroups skips with it). */
	char cgroup_why[400];
};

/* True if the start cgroup's v2 directory is the user's to write (delegated). */
bool iso_cg_delegated(const struct iso_cg_layout *l);
/* What a case runs as: root, root in a user namespace of its own, or not at all. */
/*
 * root: as root; user: as the user, needing no privilege; userns: as root of a user
 * namespace of its own; delegated: as the user, in a delegated cgroup v2 subtree;
 * none: it cannot run.
 */
enum iso_priv {
	ISO_PRIV_ROOT = 0,
	ISO_PRIV_USER,
	ISO_PRIV_USERNS,
	ISO_PRIV_DELEGATED,
	ISO_PRIV_NONE
};
const char *iso_priv_name(enum iso_priv p);
/* The privilege a case with req gets in env (ISO_PRIV_NONE: it cannot run). */
enum iso_priv iso_req_priv(const struct iso_req *req, const struct iso_env *env);
/*
 * Not root: probes whether an unprivileged user namespace can be made (a forked
 * child tries unshare(CLONE_NEWUSER) and the single mapping). Returns 0 or -errno,
 * with what refused it in why.
 */
int iso_userns_probe(char *why, size_t len);
/*
 * Enters a fresh user namespace with uid and gid mapped to 0 (setgroups denied)
 * and, where /etc/subuid and /etc/subgid grant ranges and newuidmap exists,
 * nothing more: a single mapping. Returns 0 or -errno, what failed in why.
 */
int iso_userns_enter(uid_t uid, gid_t gid, char *why, size_t len);

void iso_env_host(struct iso_env *env);
/*
 * Checks req against env. Returns true if the case can run; otherwise writes
 * the reason a person can act on into why (e.g. "needs root").
 */
bool iso_req_check(const struct iso_req *req, const struct iso_env *env, char *why, size_t len);
/* Describes the requirements as a JSON object. */
json_t *iso_req_json(const struct iso_req *req);
/* Names of namespace flags, "pid net" for CLONE_NEWPID|CLONE_NEWNET. */
void iso_ns_flags_str(unsigned long flags, char *buf, size_t len);

/* ---- results (result.c) ---- */

/* A negative control's outcome, beside its case (--with-controls). */
struct iso_ctl_result {
	enum iso_verdict verdict; /* pass: it failed as expected; fail: it passed */
	enum iso_verdict raw; /* what the control itself returned */
	char reason[ISO_REASON_MAX];
	double duration_ms;
};

struct iso_result {
	char id[160];
	const struct iso_suite *suite;
	const struct iso_case *c;
	enum iso_verdict verdict;
	enum iso_verdict raw; /* the control's own verdict in --controls mode */
	char reason[ISO_REASON_MAX];
	double duration_ms;
	time_t started; /* wall clock at the case's start (JUnit timestamps), or 0 */
	json_t *observed;
	char *log;
	const struct iso_known *known; /* the known deviation this fail is, or NULL */
	enum iso_priv priv; /* what it ran as */
	bool has_ctl; /* --with-controls: ctl holds the control's outcome */
	struct iso_ctl_result ctl;
	int repeats, repeat_fails, repeat_ctl_fails; /* --repeat: runs, and those that failed */
};

enum iso_run_mode {
	ISO_MODE_CASES, /* the cases */
	ISO_MODE_CONTROLS, /* only their negative controls (--controls) */
	ISO_MODE_BOTH, /* each case, then its control (--with-controls) */
};

/* Objects of other programs that appeared on the host during a run: noted, never touched. */
struct iso_foreign {
	int n;
	char seen[512]; /* the first few, "kind name, ..." */
};

struct iso_run {
	char tag[8];
	char started[40];
	char finished[40];
	enum iso_run_mode mode;
	const char *mode_name; /* run.mode when not one of the modes above ("bench"), or NULL */
	bool complete;
	bool rootless; /* run by a user other than root */
	char interrupted[128];
	char leftovers[ISO_REASON_MAX]; /* what of the tag the session's end found, or "" */
	struct iso_foreign foreign; /* other programs' objects that appeared meanwhile */
	char modules_loaded[256]; /* kernel modules loaded during the run, "a, b", or "" */
	int argc;
	char **argv;
	int nresults, cap;
	struct iso_result *results;
	int count[ISO_NVERDICTS]; /* of the cases (or controls, in --controls mode) */
	int ctl_count[ISO_NVERDICTS]; /* of the controls, with --with-controls */
	int nknown; /* fails that are known deviations */
	json_t *sysinfo;
	json_t *sections; /* further top-level sections a verb adds ("bench"), or NULL */
	json_t *filters, *excludes, *environment;
	double wall_ms;
	int repeat; /* --repeat N (0: once) */
	bool shuffled;
	unsigned int shuffle_seed;
};

void iso_run_add(struct iso_run *run, const struct iso_result *res);
void iso_run_free(struct iso_run *run);
json_t *iso_run_json(const struct iso_run *run);
/* Writes path atomically (temp file + rename). Returns 0 or -errno. */
int iso_json_write_atomic(const json_t *doc, const char *path);
int iso_junit_write(const struct iso_run *run, const char *path);
/*
 * Exit code for a finished run: 0 none failed, 1 a case failed (known deviations
 * aside) or a control passed, 2 broken, error, or something left behind.
 */
int iso_run_exit_code(const struct iso_run *run);
void iso_iso8601_now(char *buf, size_t len);

/* ---- KTAP (ktap.c) ---- */

void iso_ktap_header(FILE *f, int nsuites);
void iso_ktap_suite_begin(FILE *f, const char *name, int ncases);
void iso_ktap_case(FILE *f, int n, const struct iso_result *res, bool verbose);
/* The control of a --with-controls result, as its own line "<id>:control". */
void iso_ktap_control(FILE *f, int n, const struct iso_result *res, bool verbose);
void iso_ktap_suite_end(FILE *f, int n, const char *name, bool ok, bool all_skipped);
void iso_ktap_totals(FILE *f, const struct iso_run *run);

/* ---- ledger, audit, cleanup (ledger.c) ---- */

/* Base directory for run state: /run/isobench as root, else a per-user one. */
void iso_state_base(char *buf, size_t len);
/* Creates <base>/<tag> with an owner file. Returns 0 or -errno. */
int iso_state_create(const char *tag, char *dir, size_t len);
/* Appends "kind\twhat" to a ledger file. Returns 0 or -errno. */
int iso_ledger_append(const char *ledger, const char *kind, const char *what);
/* Tears down every object in the ledger (lines from offset on). Returns count removed. */
int iso_ledger_teardown(const char *ledger, long offset, FILE *log);
/* Removes a directory tree without crossing mounts. Returns 0 or -errno. */
int iso_rm_rf(const char *path);

/* Host state before a case, to spot what it left behind. */
struct iso_snapshot;
struct iso_snapshot *iso_snapshot_take(const char *tag, const struct iso_cg *runcg);
/*
 * Compares the host with snap: leftover processes in cg, and what is new and provably the
 * run's (named isb<tag>*, isobench-<tag>*, below its state dir or inside its cgroup): mounts
 * in the host mount namespace, named netns, host links, cgroups, named hierarchies.
 * Describes each leak in why, removes it, and returns the count. Whatever else is new is
 * another program's: counted in fg (may be NULL) and left alone.
 */
int iso_audit(struct iso_snapshot *snap, const struct iso_cg *casecg, const char *casecg_name,
	      char *why, size_t len, struct iso_foreign *fg);
void iso_snapshot_free(struct iso_snapshot *snap);
/*
 * What still carries the run's tag on the host: cgroups isobench-<tag>* next to
 * the start cgroup, netns and links isb<tag>*, the state directory, mounts, a
 * named v1 hierarchy. Describes each in why and returns the count.
 */
int iso_tag_leftovers(const char *tag, char *why, size_t len);
/* `isobench cleanup`: removes what dead runs left. Returns the number of objects removed. */
int iso_cleanup_dead_runs(FILE *log, bool dry_run);

/* ---- runner (runner.c) ---- */

struct iso_run_opts {
	const struct iso_suite *const *suites; /* what exists, NULL-terminated (the app's list) */
	const struct iso_select *sel;
	enum iso_run_mode mode;
	unsigned int time_mul;
	int verbose;
	bool selftest; /* include hidden suites */
	bool progress;
	FILE *ktap;
	unsigned int repeat; /* --repeat: runs of each case (and control); 0 or 1: once */
	bool shuffle; /* --shuffle: suites and the cases within each in random order */
	unsigned int seed; /* of the shuffle */
};

struct iso_session;
/* The known deviation of c that a fail with reason on kernel release is, or NULL. */
const struct iso_known *iso_known_match(const struct iso_case *c, const char *release,
					const char *reason);
/* True if the suite is listed: hidden (self-test) suites only with selftest. */
bool iso_suite_visible(const struct iso_suite *s, bool selftest);
/* Runs the selected cases of the session into its document. Returns 0 or -errno. */
int iso_run_cases(struct iso_session *s, const struct iso_run_opts *o);
/* How many cases o selects (0: a usage error for the caller). */
int iso_run_nselected(const struct iso_run_opts *o);
/* Set by SIGINT/SIGTERM handlers: the run stops after killing the current case. */
extern volatile sig_atomic_t iso_interrupted;

#endif
