// SPDX-License-Identifier: MIT
/*
 * Run state, the ledger of named kernel objects, the leak audit after each
 * case, and `isobench cleanup` for runs that were killed.
 *
 * Every object a run creates carries its tag: cgroups "isobench-<tag>", state
 * <base>/<tag>/, netns and links "isb<tag>...". The owner file records the
 * runner's pid and start time, so cleanup never touches a live run.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

void iso_state_base(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, len, "/run/isobench");
	else if (xdg && *xdg)
		snprintf(buf, len, "%s/isobench", xdg);
	else
		snprintf(buf, len, "/tmp/isobench-%d", (int)geteuid());
}

/* Start time of pid in clock ticks since boot, or 0. */
static unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (iso_read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* Field 22 (starttime); p points at the end of field 2. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		st = strtoull(p + 1, NULL, 10);
	return st;
}

/*
 * Creates <base>/<tag> with its owner file in place from the first moment: the
 * directory is made under a dot name and renamed, so `isobench cleanup` never
 * sees a live run's state without an owner. Returns 0 or -errno.
 */
int iso_state_create(const char *tag, char *dir, size_t len)
{
	char base[PATH_MAX], tmp[PATH_MAX], owner[PATH_MAX + 16];
	FILE *f;

	iso_state_base(base, sizeof(base));
	if (geteuid() == 0) {
		if (mkdir(base, 0755) < 0 && errno != EEXIST)
			return -errno;
	} else {
		struct stat st;

		/* The user's own, 0700: in /tmp another user could have made the name first. */
		if (mkdir(base, 0700) < 0 && errno != EEXIST)
			return -errno;
		if (lstat(base, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
			fprintf(stderr, "isobench: %s is not a directory of uid %d: not using it\n",
				base, (int)geteuid());
			return -EPERM;
		}
		if ((st.st_mode & 0777) != 0700 && chmod(base, 0700) < 0)
			return -errno;
	}
	if ((size_t)snprintf(dir, len, "%s/%s", base, tag) >= len)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", base, tag);
	if (mkdir(tmp, 0755) < 0)
		return -errno;
	snprintf(owner, sizeof(owner), "%s/owner", tmp);
	f = fopen(owner, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d %llu\n", (int)getpid(), proc_starttime(getpid()));
	if (fclose(f) != 0 || rename(tmp, dir) < 0) {
		int err = -errno;

		iso_rm_rf(tmp);
		return err;
	}
	return 0;
}

/* True if the run that owns state dir `dir` is still alive. */
static bool owner_alive(const char *dir, pid_t *pid_out)
{
	char path[PATH_MAX + 16], buf[128];
	unsigned long long st = 0;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/owner", dir);
	if (iso_read_file(path, buf, sizeof(buf)) < 0 || sscanf(buf, "%d %llu", &pid, &st) < 1)
		return false;
	if (pid_out)
		*pid_out = pid;
	/* EPERM: alive, another user's (which a state dir of ours should not name). */
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return false;
	return proc_starttime(pid) == st;
}

/* Returns 0 or -errno. */
int iso_ledger_append(const char *ledger, const char *kind, const char *what)
{
	char line[PATH_MAX + 64];
	int n = snprintf(line, sizeof(line), "%s\t%s\n", kind, what);
	int fd = open(ledger, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, line, n);
	close(fd);
	return w == n ? 0 : -EIO;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Returns 0 or -errno. */
int iso_rm_rf(const char *path)
{
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : -errno;
	/* FTW_MOUNT: never descend into another file system. */
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return -errno;
	return access(path, F_OK) == 0 ? -ENOTEMPTY : 0;
}

/* Removes one ledger object. Returns 1 if something was removed, 0 if absent, -errno. */
static int teardown_one(const char *kind, const char *what)
{
	struct stat st;

	if (!strcmp(kind, "cgroup")) {
		if (stat(what, &st) < 0)
			return 0;
		/* Version: a v2 directory has cgroup.kill or cgroup.controllers. */
		{
			char p[PATH_MAX + 32];
			int ver;

			snprintf(p, sizeof(p), "%s/cgroup.controllers", what);
			ver = access(p, F_OK) == 0 ? 2 : 1;
			iso_cg_dir_kill(what, ver);
			return iso_cg_dir_remove(what, ver) == 0 ? 1 : -EBUSY;
		}
	}
	if (!strcmp(kind, "netns") || !strcmp(kind, "mount")) {
		int r = 0;

		if (umount2(what, MNT_DETACH) == 0)
			r = 1;
		if (!strcmp(kind, "netns") && unlink(what) == 0)
			r = 1;
		return r;
	}
	if (!strcmp(kind, "link")) {
		if (!if_nametoindex(what))
			return 0;
		return iso_nl_link_del(what) == 0 ? 1 : -EIO;
	}
	if (!strcmp(kind, "dir")) {
		if (stat(what, &st) < 0)
			return 0;
		return iso_rm_rf(what) == 0 ? 1 : -EBUSY;
	}
	return 0;
}

/* Returns the number of objects removed. Entries are torn down last-in first-out. */
int iso_ledger_teardown(const char *ledger, long offset, FILE *log)
{
	_cleanup_free_ char *txt = NULL;
	char *lines[4096];
	int n = 0, removed = 0;
	char *line, *save = NULL;

	if (iso_read_file_alloc(ledger, &txt) < 0)
		return 0;
	if (offset < 0 || (size_t)offset > strlen(txt))
		offset = 0;
	for (line = strtok_r(txt + offset, "\n", &save); line && n < 4096;
	     line = strtok_r(NULL, "\n", &save))
		lines[n++] = line;
	while (n-- > 0) {
		char *tab = strchr(lines[n], '\t');
		int r;

		if (!tab)
			continue;
		*tab = '\0';
		r = teardown_one(lines[n], tab + 1);
		if (r > 0) {
			removed++;
			if (log)
				fprintf(log, "removed %s %s\n", lines[n], tab + 1);
		} else if (r < 0 && log) {
			fprintf(log, "could not remove %s %s: %s\n", lines[n], tab + 1,
				strerror(-r));
		}
	}
	return removed;
}

/* ---- tags ---- */

static bool is_hex6(const char *s)
{
	for (int i = 0; i < 6; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * Finds a run tag at the start of a name ("isb<tag>...", "isobench-<tag>..."); 0 if found.
 * Only the start: a neighbour's "myisb1234ab" is not ours.
 */
static int find_tag(const char *s, char tag[7])
{
	static const char *const pfx[] = { "isobench-", "isb" };

	for (size_t i = 0; i < ISO_ARRAY_SIZE(pfx); i++) {
		size_t pl = strlen(pfx[i]);

		if (!strncmp(s, pfx[i], pl) && strlen(s + pl) >= 6 && is_hex6(s + pl)) {
			memcpy(tag, s + pl, 6);
			tag[6] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}

/* True if name is run tag's own: pfx ("isb" for netns, links, hierarchies; "isobench-" for
 * cgroups) then the tag. */
static bool tagged(const char *name, const char *pfx, const char *tag)
{
	size_t pl = strlen(pfx);

	return !strncmp(name, pfx, pl) && !strncmp(name + pl, tag, 6);
}

/* True if mount point mp is run tag's: below its state dir, or a component named isb<tag>*. */
static bool own_mount(const char *mp, const char *tag, const char *state)
{
	size_t sl = strlen(state);

	if (sl && !strncmp(mp, state, sl) && (mp[sl] == '/' || mp[sl] == '\0'))
		return true;
	for (const char *p = strchr(mp, '/'); p; p = strchr(p + 1, '/'))
		if (tagged(p + 1, "isb", tag))
			return true;
	return false;
}

/* ---- snapshots and the audit ---- */

struct strset {
	int n, cap;
	char **s;
};

static void set_add(struct strset *set, const char *s)
{
	if (set->n == set->cap) {
		int cap = set->cap ? set->cap * 2 : 64;
		char **n = realloc(set->s, cap * sizeof(*n));

		if (!n)
			return;
		set->s = n;
		set->cap = cap;
	}
	set->s[set->n] = strdup(s);
	if (set->s[set->n])
		set->n++;
}

static bool set_has(const struct strset *set, const char *s)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->s[i], s))
			return true;
	return false;
}

static void set_free(struct strset *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->s[i]);
	free(set->s);
	memset(set, 0, sizeof(*set));
}

struct iso_snapshot {
	char tag[8];
	char state[PATH_MAX]; /* the run's state dir: mounts below it are the run's */
	const struct iso_cg *runcg;
	struct strset mounts; /* "id mountpoint" of the host mount namespace */
	struct strset netns; /* /run/netns entries */
	struct strset links; /* host link names */
	struct strset cgroups; /* sub-directories of the run cgroup and the start cgroup */
	struct strset hiers; /* named v1 hierarchies (name= in /proc/self/cgroup) */
};

static void set_add(struct strset *set, const char *s);

/* Names of the named v1 hierarchies that exist (a hierarchy outlives its mounts while it
 * has child cgroups, so /proc/self/cgroup is where a leftover shows). */
static void snap_hiers(struct strset *set)
{
	char buf[8192], *line, *save = NULL;

	if (iso_read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, ":name=");

		if (p) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + 6, ":"), p + 6);
			set_add(set, name);
		}
	}
}

/*
 * Destroys a lingering named hierarchy: mounts it in a private mount namespace,
 * kills what is in its child cgroups (never the root: every task is there),
 * removes them and unmounts. Returns 0 or -errno.
 */

static void snap_mounts(struct strset *set)
{
	_cleanup_free_ char *txt = NULL;
	char *line, *save = NULL;

	if (iso_read_file_alloc("/proc/self/mountinfo", &txt) < 0)
		return;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX];
		int id;

		if (sscanf(line, "%d %*d %*s %*s %4095s", &id, mp) == 2) {
			char key[PATH_MAX + 16];

			snprintf(key, sizeof(key), "%d %s", id, mp);
			set_add(set, key);
		}
	}
}

static void snap_dir(struct strset *set, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char key[PATH_MAX];

		if (e->d_name[0] == '.' || (prefix && e->d_type != DT_DIR))
			continue;
		snprintf(key, sizeof(key), "%s/%s", dir, e->d_name);
		set_add(set, prefix ? key : e->d_name);
	}
	closedir(d);
}

static void snap_links(struct strset *set)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	if (!ifs)
		return;
	for (i = ifs; i->if_index; i++)
		set_add(set, i->if_name);
	if_freenameindex(ifs);
}

static void snap_cgroups(struct strset *set, const struct iso_cg *runcg)
{
	const struct iso_cg_layout *l;

	if (!runcg)
		return;
	l = runcg->layout;
	for (int i = 0; i < runcg->ndirs; i++) {
		snap_dir(set, runcg->dir[i].path, "");
		snap_dir(set, l->hier[runcg->dir[i].hier].self, "");
	}
}

static void take(struct iso_snapshot *s)
{
	snap_mounts(&s->mounts);
	snap_dir(&s->netns, "/run/netns", NULL);
	snap_links(&s->links);
	snap_cgroups(&s->cgroups, s->runcg);
	snap_hiers(&s->hiers);
}

struct iso_snapshot *iso_snapshot_take(const char *tag, const struct iso_cg *runcg)
{
	struct iso_snapshot *s = calloc(1, sizeof(*s));
	char base[PATH_MAX];

	if (!s)
		return NULL;
	snprintf(s->tag, sizeof(s->tag), "%s", tag);
	iso_state_base(base, sizeof(base));
	snprintf(s->state, sizeof(s->state), "%s/%s", base, tag);
	s->runcg = runcg;
	take(s);
	return s;
}

void iso_snapshot_free(struct iso_snapshot *s)
{
	if (!s)
		return;
	set_free(&s->mounts);
	set_free(&s->netns);
	set_free(&s->links);
	set_free(&s->cgroups);
	set_free(&s->hiers);
	free(s);
}

static void why_add(char *why, size_t len, const char *fmt, const char *a)
{
	size_t off = strlen(why);

	if (off < len)
		snprintf(why + off, len - off, fmt, off ? "; " : "", a);
}

/* True if cgroup path is a child of the run's own cgroup (in any hierarchy): ours by place. */
static bool in_run_cgroup(const struct iso_cg *runcg, const char *path)
{
	for (int i = 0; runcg && i < runcg->ndirs; i++) {
		size_t l = strlen(runcg->dir[i].path);

		if (!strncmp(path, runcg->dir[i].path, l) && path[l] == '/' &&
		    !strchr(path + l + 1, '/'))
			return true;
	}
	return false;
}

/* Notes an object that appeared but is not the run's: counted, the first few named. */
static void note_foreign(struct iso_foreign *fg, const char *kind, const char *what)
{
	size_t off;

	if (!fg)
		return;
	fg->n++;
	off = strlen(fg->seen);
	if (off + strlen(kind) + strlen(what) + 8 < sizeof(fg->seen))
		snprintf(fg->seen + off, sizeof(fg->seen) - off, "%s%s %s", off ? ", " : "", kind,
			 what);
}

/*
 * Returns the number of leaks found (each removed). A leak is an object that is provably
 * the run's: a process in the case's cgroup, a netns, link or named hierarchy named
 * isb<tag>*, a mount below the run's state dir or at an isb<tag>* path, a cgroup inside the
 * run's cgroup or named isobench-<tag>* beside it. Anything else new belongs to another
 * program: it is noted in fg, never removed, never blamed on the case.
 */
int iso_audit(struct iso_snapshot *snap, const struct iso_cg *casecg, const char *casecg_name,
	      char *why, size_t len, struct iso_foreign *fg)
{
	struct iso_snapshot now = { 0 };
	const char *tag = snap->tag;
	int leaks = 0;

	why[0] = '\0';
	if (casecg) {
		pid_t pids[64];
		int n = iso_cg_pids(casecg, pids, ISO_ARRAY_SIZE(pids));

		if (n > 0) {
			char what[256], comm[32], path[64];

			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[0]);
			if (iso_read_file(path, comm, sizeof(comm)) < 0)
				snprintf(comm, sizeof(comm), "?");
			snprintf(what, sizeof(what), "%d process(es) left running (pid %d, %s)", n,
				 (int)pids[0], comm);
			why_add(why, len, "%s%s", what);
			leaks += n;
			iso_cg_kill(casecg);
		}
	}
	snprintf(now.tag, sizeof(now.tag), "%s", tag);
	now.runcg = snap->runcg;
	take(&now);
	for (int i = 0; i < now.netns.n; i++) {
		char path[PATH_MAX];

		if (set_has(&snap->netns, now.netns.s[i]))
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", now.netns.s[i]);
		if (!tagged(now.netns.s[i], "isb", tag)) {
			note_foreign(fg, "netns", path);
			continue;
		}
		why_add(why, len, "%snamed netns %s left behind", path);
		teardown_one("netns", path);
		leaks++;
	}
	for (int i = now.mounts.n - 1; i >= 0; i--) {
		const char *mp = strchr(now.mounts.s[i], ' ') + 1;

		if (set_has(&snap->mounts, now.mounts.s[i]) || !strncmp(mp, "/run/netns/", 11))
			continue; /* a netns's mount is counted as the netns above */
		if (!own_mount(mp, tag, snap->state)) {
			note_foreign(fg, "mount", mp);
			continue;
		}
		why_add(why, len, "%smount %s left in the host mount namespace", mp);
		umount2(mp, MNT_DETACH);
		leaks++;
	}
	for (int i = 0; i < now.links.n; i++) {
		if (set_has(&snap->links, now.links.s[i]))
			continue;
		if (!tagged(now.links.s[i], "isb", tag)) {
			note_foreign(fg, "link", now.links.s[i]);
			continue;
		}
		why_add(why, len, "%shost network link %s left behind", now.links.s[i]);
		iso_nl_link_del(now.links.s[i]);
		leaks++;
	}
	for (int i = 0; i < now.cgroups.n; i++) {
		const char *cg = now.cgroups.s[i], *name = strrchr(cg, '/') + 1;

		if (set_has(&snap->cgroups, cg))
			continue;
		if (!in_run_cgroup(snap->runcg, cg) && !tagged(name, "isobench-", tag)) {
			note_foreign(fg, "cgroup", cg);
			continue;
		}
		if (casecg_name && !strcmp(name, casecg_name))
			continue;
		why_add(why, len, "%scgroup %s left behind", cg);
		teardown_one("cgroup", cg);
		leaks++;
	}
	for (int i = 0; i < now.hiers.n; i++) {
		if (set_has(&snap->hiers, now.hiers.s[i]))
			continue;
		if (!tagged(now.hiers.s[i], "isb", tag)) {
			note_foreign(fg, "named cgroup hierarchy", now.hiers.s[i]);
			continue;
		}
		why_add(why, len, "%snamed cgroup hierarchy %s left behind", now.hiers.s[i]);
		iso_cg_named_destroy(now.hiers.s[i]);
		leaks++;
	}
	set_free(&now.mounts);
	set_free(&now.netns);
	set_free(&now.links);
	set_free(&now.cgroups);
	set_free(&now.hiers);
	return leaks;
}

/* ---- isobench cleanup ---- */

/*
 * Whether cleanup may touch path: as root anything of a dead run; as another
 * user only what that user owns (a delegated subtree's cgroups), never another
 * user's run.
 */
static bool mine(const char *path)
{
	struct stat st;

	if (geteuid() == 0)
		return true;
	return lstat(path, &st) == 0 && st.st_uid == geteuid();
}

/* The tags of dead runs: a state dir <base>/<tag> whose owner has exited. */
struct dead_runs {
	int n;
	char tag[256][7];
};

static bool is_dead_run(const struct dead_runs *dr, const char *name)
{
	char tag[7];

	if (find_tag(name, tag) < 0)
		return false;
	for (int i = 0; i < dr->n; i++)
		if (!strcmp(dr->tag[i], tag))
			return true;
	return false;
}

/* Removes cgroups isobench-<tag>* of dead runs below dir. Returns count. */
static int sweep_cgroups(const struct dead_runs *dr, const char *dir, int ver, FILE *log, bool dry)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX];

		if (e->d_type != DT_DIR || strncmp(e->d_name, "isobench-", 9) ||
		    !is_dead_run(dr, e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!mine(path))
			continue;
		if (log)
			fprintf(log, "%s cgroup %s\n", dry ? "would remove" : "removing", path);
		if (!dry) {
			iso_cg_dir_kill(path, ver);
			iso_cg_dir_remove(path, ver);
		}
		n++;
	}
	closedir(d);
	return n;
}

static void sweep_log(FILE *log, bool dry, const char *kind, const char *what)
{
	if (log)
		fprintf(log, "%s %s %s\n", dry ? "would remove" : "removing", kind, what);
}

/*
 * Objects of dead runs whose ledger line never made it to disk, found by name: only the
 * names of a run whose state dir is there (a run of isobench that this host saw die), never
 * a name that merely looks like ours. Returns the count.
 */
static int sweep_names(const struct dead_runs *dr, FILE *log, bool dry)
{
	const struct iso_cg_layout *l = iso_cg_layout_get();
	struct strset hiers = { 0 };
	struct if_nameindex *ifs;
	struct dirent *e;
	int n = 0;
	DIR *d;

	for (int i = 0; i < l->nhier; i++)
		if (l->hier[i].self[0] && !l->hier[i].name[0])
			n += sweep_cgroups(dr, l->hier[i].self, l->hier[i].version, log, dry);
	/* Not root: a rootless run makes no named netns, host link or v1 hierarchy. */
	if (geteuid() != 0)
		return n;
	d = opendir("/run/netns");
	while (d && (e = readdir(d))) {
		char path[PATH_MAX];

		if (strncmp(e->d_name, "isb", 3) || !is_dead_run(dr, e->d_name))
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		sweep_log(log, dry, "netns", path);
		if (!dry)
			teardown_one("netns", path);
		n++;
	}
	if (d)
		closedir(d);
	snap_hiers(&hiers);
	for (int i = 0; i < hiers.n; i++) {
		if (strncmp(hiers.s[i], "isb", 3) || !is_dead_run(dr, hiers.s[i]))
			continue;
		sweep_log(log, dry, "named cgroup hierarchy", hiers.s[i]);
		if (!dry && iso_cg_named_destroy(hiers.s[i]) < 0 && log)
			fprintf(log, "could not destroy hierarchy %s\n", hiers.s[i]);
		n++;
	}
	set_free(&hiers);
	ifs = if_nameindex();
	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		if (strncmp(i->if_name, "isb", 3) || !is_dead_run(dr, i->if_name))
			continue;
		sweep_log(log, dry, "link", i->if_name);
		if (!dry)
			iso_nl_link_del(i->if_name);
		n++;
	}
	if (ifs)
		if_freenameindex(ifs);
	return n;
}

/* Returns the number of objects removed. */
int iso_cleanup_dead_runs(FILE *log, bool dry)
{
	struct dead_runs dr = { 0 };
	char base[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int n = 0;

	iso_state_base(base, sizeof(base));
	d = opendir(base);
	while (d && (e = readdir(d))) {
		char dir[PATH_MAX], ledger[PATH_MAX + 16];
		pid_t pid = 0;

		if (e->d_name[0] == '.' || strlen(e->d_name) != 6 || !is_hex6(e->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, e->d_name);
		if (owner_alive(dir, &pid)) {
			if (log)
				fprintf(log, "run %s is still running (pid %d): left alone\n",
					e->d_name, (int)pid);
			continue;
		}
		if (dr.n < (int)ISO_ARRAY_SIZE(dr.tag))
			snprintf(dr.tag[dr.n++], 7, "%s", e->d_name);
		snprintf(ledger, sizeof(ledger), "%s/ledger", dir);
		if (!dry)
			n += iso_ledger_teardown(ledger, 0, log);
	}
	if (d)
		closedir(d);
	n += sweep_names(&dr, log, dry);
	for (int i = 0; i < dr.n; i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s/%s", base, dr.tag[i]);
		sweep_log(log, dry, "state", dir);
		if (!dry)
			iso_rm_rf(dir);
		n++;
	}
	return n;
}

/* ---- the end of a session: is anything of the tag still there? ---- */

static void add_left(char *why, size_t len, size_t *off, int *n, const char *kind, const char *what)
{
	if (*off < len)
		*off += snprintf(why + *off, len - *off, "%s%s %s", *n ? ", " : "", kind, what);
	(*n)++;
}

/* Adds the entries of dir whose name starts with prefix. */
static void left_in_dir(const char *dir, const char *prefix, const char *kind, char *why,
			size_t len, size_t *off, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			add_left(why, len, off, n, kind, e->d_name);
	closedir(d);
}

int iso_tag_leftovers(const char *tag, char *why, size_t len)
{
	const struct iso_cg_layout *l = iso_cg_layout_get();
	char isb[16], cgp[32], st[PATH_MAX], base[PATH_MAX], line[4096];
	size_t off = 0;
	int n = 0;
	FILE *f;

	why[0] = '\0';
	snprintf(isb, sizeof(isb), "isb%s", tag);
	snprintf(cgp, sizeof(cgp), "isobench-%s", tag);
	for (int i = 0; l && i < l->nhier; i++)
		if (l->hier[i].self[0])
			left_in_dir(l->hier[i].self, cgp, "cgroup", why, len, &off, &n);
	left_in_dir("/run/netns", isb, "netns", why, len, &off, &n);
	left_in_dir("/sys/class/net", isb, "link", why, len, &off, &n);
	iso_state_base(base, sizeof(base));
	snprintf(st, sizeof(st), "%s/%s", base, tag);
	if (access(st, F_OK) == 0)
		add_left(why, len, &off, &n, "state", st);
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char mp[PATH_MAX];

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    (strstr(mp, isb) || strstr(mp, st)))
			add_left(why, len, &off, &n, "mount", mp);
	}
	if (f)
		fclose(f);
	if (iso_read_file("/proc/self/cgroup", line, sizeof(line)) >= 0 && strstr(line, isb))
		add_left(why, len, &off, &n, "named hierarchy", isb);
	return n;
}
