/* SPDX-License-Identifier: MIT */
/*
 * One session lifecycle for `run` and `bench`: a run tag, the output folder,
 * the state directory and its ledger, the run's cgroup below the start cgroup,
 * sysinfo and --env facts; at the end the ledger is torn down, the host is
 * checked for anything still carrying the tag, and results.json is written
 * atomically (never a partial file passed off as complete).
 */
#ifndef ISO_SESSION_H
#define ISO_SESSION_H

#include <limits.h>
#include <stdint.h>

#include "runner.h"
#include "select.h"

#define ISO_SESSION_MAX_ENV 64

struct iso_session_opts {
	const char *cmd; /* "run", "bench": named in messages */
	const char *kind; /* the default folder's kind: "run", "controls", "bench" */
	const char *out; /* --out, or NULL: ./isobench-results/<time>-<kind>-<tag> */
	const char *cg_suffix; /* the run's cgroup is isobench-<tag><suffix> */
	bool quiet_cgroup; /* say nothing when the cgroup cannot be made (not root) */
	int argc;
	char **argv;
	const struct iso_select *sel;
	const char *env[ISO_SESSION_MAX_ENV]; /* --env KEY=VALUE, stamped into run.environment */
	int nenv;
};

struct iso_session {
	struct iso_run run; /* the document being built */
	struct iso_env host; /* facts the requirement checks read */
	struct iso_cg *cg; /* the run's cgroup (every hierarchy), or NULL */
	struct iso_cg_layout v2only; /* rootless in a delegated subtree: its v2 hierarchy alone */
	struct iso_cg_aside aside; /* rootless: isobench waits in a leaf of its cgroup */
	char out[PATH_MAX];
	char path[PATH_MAX + 16]; /* <out>/results.json */
	char state[PATH_MAX];
	char ledger[PATH_MAX + 16];
	const char *cmd;
	uint64_t t0;
	char uts[2][65]; /* the host's hostname and domainname at the start */
	char *modules; /* /sys/module at the start, one name a line ("\nname\n..."), or NULL */
};

/*
 * Adds one --env KEY=VALUE. Returns 0, or -EINVAL (no '=' or an empty key) or
 * -E2BIG (too many).
 */
int iso_session_env_add(struct iso_session_opts *o, const char *kv);
/*
 * The options run and bench share: 'f' --filter and 'x' --exclude (into sel), 'E' --env
 * (into o). Returns 0, or prints the one-line usage error and returns 64 (ISO_EXIT_USAGE).
 */
int iso_session_opt(struct iso_session_opts *o, struct iso_select *sel, int c, const char *arg);
/* Opens the session. On failure prints one line naming what failed and returns -errno. */
int iso_session_open(struct iso_session *s, const struct iso_session_opts *o);
/*
 * Ends the session: tears down the ledger and the cgroup, removes the state,
 * records in the document whatever of the tag is still on the host (and says
 * so on stderr), then writes results.json. Returns 0, -EBUSY when something was
 * left behind (the document says so), or -errno when it cannot be written.
 */
int iso_session_close(struct iso_session *s);
void iso_session_free(struct iso_session *s);

#endif
