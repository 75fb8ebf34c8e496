// SPDX-License-Identifier: MIT
/*
 * cgroup v1 / v2 / hybrid behind one API in v2 names (see cgroup.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "iso.h"

const char *iso_cg_mode_name(enum iso_cg_mode m)
{
	switch (m) {
	case ISO_CG_MODE_V1:
		return "v1";
	case ISO_CG_MODE_HYBRID:
		return "hybrid";
	case ISO_CG_MODE_V2:
		return "v2";
	default:
		return "none";
	}
}

static const char *const v1_controllers[] = { "cpu",	    "cpuacct",	"cpuset",  "memory",
					      "devices",    "freezer",	"net_cls", "blkio",
					      "perf_event", "net_prio", "hugetlb", "pids",
					      "rdma",	    "misc",	NULL };

static bool is_v1_controller(const char *s)
{
	for (int i = 0; v1_controllers[i]; i++)
		if (!strcmp(s, v1_controllers[i]))
			return true;
	return false;
}

/* True if the separated list (by any of seps) contains word. */
static bool list_has(const char *list, const char *word, const char *seps)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, seps);

		if (n == wl && !strncmp(p, word, wl))
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

/* Unescapes mountinfo's octal escapes (\040) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

struct proc_cg_line {
	char ctrls[128]; /* "memory" / "name=systemd" / "" for v2 */
	char path[ISO_CG_PATH];
};

/* Returns the number of lines parsed or -errno. */
static int parse_proc_cgroup(const char *file, struct proc_cg_line *out, int max)
{
	_cleanup_free_ char *txt = NULL;
	char *line, *save = NULL;
	int n = 0;
	ssize_t r = iso_read_file_alloc(file, &txt);

	if (r < 0)
		return r;
	for (line = strtok_r(txt, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2;

		if (!c1)
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		*c2 = '\0';
		snprintf(out[n].ctrls, sizeof(out[n].ctrls), "%s", c1 + 1);
		snprintf(out[n].path, sizeof(out[n].path), "%s", c2 + 1);
		n++;
	}
	return n;
}

/* Joins mount point and the cgroup path relative to the mount's root. Returns 0 or -ENOENT. */
static int self_dir(char *out, size_t len, const char *prefix, const char *mnt, const char *root,
		    const char *cgpath)
{
	size_t rl = strlen(root);
	const char *rel;

	if (!strcmp(root, "/"))
		rel = cgpath;
	else if (!strncmp(cgpath, root, rl) && (cgpath[rl] == '/' || cgpath[rl] == '\0'))
		rel = cgpath + rl;
	else
		return -ENOENT;
	if (!strcmp(rel, "/"))
		rel = "";
	if ((size_t)snprintf(out, len, "%s%s%s", prefix, mnt, rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Returns 0 or -errno. */
int iso_cg_layout_parse(struct iso_cg_layout *l, const char *mountinfo, const char *proc_cgroup,
			const char *prefix, long root_magic)
{
	struct proc_cg_line pc[ISO_CG_MAX_HIER * 2];
	_cleanup_free_ char *txt = NULL;
	char *line, *save = NULL;
	bool v1 = false, v2_at_root = false;
	char rootdir[ISO_CG_PATH];
	int npc;
	ssize_t r;

	memset(l, 0, sizeof(*l));
	l->v2 = -1;
	npc = parse_proc_cgroup(proc_cgroup, pc, ISO_ARRAY_SIZE(pc));
	if (npc < 0)
		return npc;
	r = iso_read_file_alloc(mountinfo, &txt);
	if (r < 0)
		return r;
	snprintf(rootdir, sizeof(rootdir), "/sys/fs/cgroup");
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6] = { 0 }, *sep, *fstype, *src, *sopts, *p = line;
		struct iso_cg_hier *h;
		int i, dup = 0;

		for (i = 0; i < 6 && p; i++) {
			f[i] = strsep(&p, " ");
		}
		sep = strstr(p ? p : "", "- ");
		if (i < 6 || !sep)
			continue;
		sep += 2;
		fstype = strsep(&sep, " ");
		src = strsep(&sep, " ");
		sopts = sep ? strsep(&sep, " ") : NULL;
		(void)src;
		if (!fstype || !sopts || (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")))
			continue;
		unescape(f[3]);
		unescape(f[4]);
		if (l->nhier >= ISO_CG_MAX_HIER)
			break;
		h = &l->hier[l->nhier];
		memset(h, 0, sizeof(*h));
		h->version = strcmp(fstype, "cgroup2") ? 1 : 2;
		snprintf(h->mnt, sizeof(h->mnt), "%s%s", prefix, f[4]);
		snprintf(h->options, sizeof(h->options), "%s", sopts);
		if (h->version == 1) {
			char *o, *os = strdupa(sopts);

			while ((o = strsep(&os, ","))) {
				if (is_v1_controller(o)) {
					size_t cl = strlen(h->controllers);

					snprintf(h->controllers + cl, sizeof(h->controllers) - cl,
						 "%s%s", cl ? "," : "", o);
				} else if (!strncmp(o, "name=", 5)) {
					snprintf(h->name, sizeof(h->name), "%s", o + 5);
				}
			}
		}
		/* A hierarchy mounted twice: keep the first mount. */
		for (i = 0; i < l->nhier; i++) {
			if (l->hier[i].version == h->version &&
			    !strcmp(l->hier[i].controllers, h->controllers) &&
			    !strcmp(l->hier[i].name, h->name))
				dup = 1;
		}
		if (dup)
			continue;
		/* Find our own cgroup in this hierarchy. */
		for (i = 0; i < npc; i++) {
			bool match;

			if (h->version == 2)
				match = pc[i].ctrls[0] == '\0';
			else if (h->name[0])
				match = !strncmp(pc[i].ctrls, "name=", 5) &&
					!strcmp(pc[i].ctrls + 5, h->name);
			else
				match = !strcmp(pc[i].ctrls, h->controllers);
			if (match) {
				self_dir(h->self, sizeof(h->self), prefix, f[4], f[3], pc[i].path);
				break;
			}
		}
		if (h->version == 2) {
			char cpath[ISO_CG_PATH + 32];

			if (h->self[0]) {
				snprintf(cpath, sizeof(cpath), "%s/cgroup.controllers", h->self);
				if (iso_read_file(cpath, h->controllers, sizeof(h->controllers)) <
				    0)
					h->controllers[0] = '\0';
			}
			if (!strcmp(f[4], rootdir))
				v2_at_root = true;
			l->v2 = l->nhier;
		} else {
			v1 = true;
		}
		l->nhier++;
	}
	if (root_magic == CGROUP2_SUPER_MAGIC || v2_at_root)
		l->mode = ISO_CG_MODE_V2;
	else if (v1 && l->v2 >= 0)
		l->mode = ISO_CG_MODE_HYBRID;
	else if (v1)
		l->mode = ISO_CG_MODE_V1;
	else if (l->v2 >= 0)
		l->mode = ISO_CG_MODE_V2;
	else
		l->mode = ISO_CG_MODE_NONE;
	return 0;
}

const struct iso_cg_layout *iso_cg_layout_get(void)
{
	static struct iso_cg_layout layout;
	static bool done;

	if (!done) {
		struct statfs sf;
		long magic = statfs("/sys/fs/cgroup", &sf) == 0 ? (long)sf.f_type : 0;

		if (iso_cg_layout_parse(&layout, "/proc/self/mountinfo", "/proc/self/cgroup", "",
					magic) < 0) {
			layout.mode = ISO_CG_MODE_NONE;
			layout.v2 = -1;
		}
		done = true;
	}
	return &layout;
}

/* Returns the hierarchy index or -ENOENT. */
int iso_cg_find_controller(const struct iso_cg_layout *l, const char *ctrl)
{
	for (int i = 0; i < l->nhier; i++) {
		const struct iso_cg_hier *h = &l->hier[i];

		if (h->version == 1 && !h->name[0] && list_has(h->controllers, ctrl, ","))
			return i;
	}
	for (int i = 0; i < l->nhier; i++) {
		const struct iso_cg_hier *h = &l->hier[i];

		if (h->version == 2 && list_has(h->controllers, ctrl, " "))
			return i;
	}
	return -ENOENT;
}

/* Returns 1 or 2, or -ENOENT. */
int iso_cg_controller_version(const struct iso_cg_layout *l, const char *ctrl)
{
	int i = iso_cg_find_controller(l, ctrl);

	return i < 0 ? i : l->hier[i].version;
}

void iso_cg_controllers_str(const struct iso_cg_layout *l, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->nhier; i++) {
		const struct iso_cg_hier *h = &l->hier[i];
		const char *seps = h->version == 1 ? "," : " ";
		const char *p = h->controllers;

		if (h->name[0] || !h->self[0])
			continue;
		while (*p) {
			size_t n = strcspn(p, seps);

			if (n && off < len)
				off += snprintf(buf + off, len - off, "%s%.*s@v%d", off ? " " : "",
						(int)n, p, h->version);
			p += n;
			p += strspn(p, seps);
		}
	}
}

/* ---- the v2 -> v1 knob table ---- */

enum xlate { XL_NONE, XL_MAX, XL_CPUMAX, XL_WEIGHT, XL_FREEZE, XL_IOMAX };

struct knob_map {
	const char *v2;
	const char *ctrl; /* controller whose hierarchy holds it; NULL: core */
	const char *v1; /* v1 file, NULL: none */
	enum xlate xl;
	const char *v1ctrl; /* the controller's v1 name where it differs (io: blkio) */
};

static const struct knob_map knobs[] = {
	{ "cgroup.procs", NULL, "cgroup.procs", XL_NONE },
	{ "cgroup.threads", NULL, "tasks", XL_NONE },
	{ "cgroup.freeze", "freezer", "freezer.state", XL_FREEZE },
	{ "memory.max", "memory", "memory.limit_in_bytes", XL_MAX },
	{ "memory.current", "memory", "memory.usage_in_bytes", XL_NONE },
	{ "memory.peak", "memory", "memory.max_usage_in_bytes", XL_NONE },
	{ "memory.stat", "memory", "memory.stat", XL_NONE },
	{ "memory.swap.max", "memory", NULL, XL_NONE },
	{ "memory.high", "memory", NULL, XL_NONE },
	{ "memory.low", "memory", NULL, XL_NONE },
	{ "memory.min", "memory", NULL, XL_NONE },
	{ "memory.oom.group", "memory", NULL, XL_NONE },
	{ "memory.events", "memory", NULL, XL_NONE },
	{ "pids.max", "pids", "pids.max", XL_NONE },
	{ "pids.current", "pids", "pids.current", XL_NONE },
	{ "pids.events", "pids", "pids.events", XL_NONE },
	{ "cpu.max", "cpu", "cpu.cfs_quota_us", XL_CPUMAX },
	{ "cpu.weight", "cpu", "cpu.shares", XL_WEIGHT },
	{ "cpu.stat", "cpu", "cpu.stat", XL_NONE },
	{ "cpuset.cpus", "cpuset", "cpuset.cpus", XL_NONE },
	{ "cpuset.mems", "cpuset", "cpuset.mems", XL_NONE },
	{ "cpuset.cpus.effective", "cpuset", "cpuset.effective_cpus", XL_NONE },
	{ "cpuset.mems.effective", "cpuset", "cpuset.effective_mems", XL_NONE },
	{ "io.max", "io", "blkio.throttle.read_bps_device", XL_IOMAX, "blkio" },
	{ "io.stat", "io", "blkio.throttle.io_service_bytes_recursive", XL_NONE, "blkio" },
};

static const struct knob_map *knob_find(const char *knob)
{
	for (size_t i = 0; i < ISO_ARRAY_SIZE(knobs); i++)
		if (!strcmp(knobs[i].v2, knob))
			return &knobs[i];
	return NULL;
}

/* Index into cg->dir of the hierarchy idx, or -1. */
static int cg_dir_of(const struct iso_cg *cg, int hier)
{
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dir[i].hier == hier)
			return i;
	return -1;
}

const char *iso_cg_dir(const struct iso_cg *cg, const char *ctrl)
{
	int h, d;

	if (!cg || !cg->ndirs)
		return NULL;
	if (!ctrl || !*ctrl) {
		d = cg_dir_of(cg, cg->layout->v2);
		return cg->dir[d >= 0 ? d : 0].path;
	}
	h = iso_cg_find_controller(cg->layout, ctrl);
	if (h < 0)
		return NULL;
	d = cg_dir_of(cg, h);
	return d < 0 ? NULL : cg->dir[d].path;
}

/*
 * Resolves a v2 knob to the file on this host. Returns 0 with *xl set, or
 * -EOPNOTSUPP (no equivalent here) / -ENOENT (the cgroup does not span the
 * hierarchy).
 */
static int knob_resolve(const struct iso_cg *cg, const char *knob, char *buf, size_t len,
			enum xlate *xl)
{
	const struct knob_map *m = knob_find(knob);
	char ctrl[64];
	const char *dir;
	int h, d;

	*xl = XL_NONE;
	if (m && m->ctrl)
		snprintf(ctrl, sizeof(ctrl), "%s", m->ctrl);
	else
		snprintf(ctrl, sizeof(ctrl), "%.*s", (int)strcspn(knob, "."), knob);
	if (!strcmp(ctrl, "cgroup")) {
		/* Core files live on v2; cgroup.procs/threads exist on v1 too. */
		d = cg_dir_of(cg, cg->layout->v2);
		if (d >= 0) {
			dir = cg->dir[d].path;
			snprintf(buf, len, "%s/%s", dir, knob);
			return 0;
		}
		if (m && m->v1 && cg->ndirs) {
			snprintf(buf, len, "%s/%s", cg->dir[0].path, m->v1);
			return 0;
		}
		return -EOPNOTSUPP;
	}
	h = iso_cg_find_controller(cg->layout, ctrl);
	if (h < 0 && m && m->v1ctrl)
		h = iso_cg_find_controller(cg->layout, m->v1ctrl);
	if (h < 0) {
		/* cgroup.freeze is core on v2 when no v1 freezer is mounted. */
		if (!strcmp(knob, "cgroup.freeze") && (d = cg_dir_of(cg, cg->layout->v2)) >= 0) {
			snprintf(buf, len, "%s/%s", cg->dir[d].path, knob);
			return 0;
		}
		return -EOPNOTSUPP;
	}
	d = cg_dir_of(cg, h);
	if (d < 0)
		return -ENOENT;
	dir = cg->dir[d].path;
	if (cg->layout->hier[h].version == 2) {
		snprintf(buf, len, "%s/%s", dir, knob);
		return 0;
	}
	if (!m || !m->v1)
		return -EOPNOTSUPP;
	*xl = m->xl;
	snprintf(buf, len, "%s/%s", dir, m->v1);
	return 0;
}

/* Returns 0 or -errno. */
int iso_cg_knob_path(const struct iso_cg *cg, const char *knob, char *buf, size_t len)
{
	enum xlate xl;

	return knob_resolve(cg, knob, buf, len, &xl);
}

/* io.max keys and the v1 blk-throttle files that hold them. */
static const char *const io_max_keys[][2] = {
	{ "rbps", "blkio.throttle.read_bps_device" },
	{ "wbps", "blkio.throttle.write_bps_device" },
	{ "riops", "blkio.throttle.read_iops_device" },
	{ "wiops", "blkio.throttle.write_iops_device" },
};

/* Length of the directory part of path (up to the last slash). */
static int dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (int)(slash - path) : 0;
}

/*
 * v2 "MAJ:MIN rbps=N wbps=max ..." -> one "MAJ:MIN N" line per v1 file ("max" is
 * 0 there, which removes the rule). Returns 0 or -errno.
 */
static int v1_io_max_write(const char *path, const char *val)
{
	char dev[32], tok[64], file[ISO_CG_PATH + 64];
	const char *p = val;
	int n = 0, r;

	if (sscanf(p, "%31s%n", dev, &n) != 1 || !strchr(dev, ':'))
		return -EINVAL;
	p += n;
	while (sscanf(p, "%63s%n", tok, &n) == 1) {
		char *eq = strchr(tok, '=');
		size_t k;

		p += n;
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		for (k = 0; k < ISO_ARRAY_SIZE(io_max_keys); k++)
			if (!strcmp(tok, io_max_keys[k][0]))
				break;
		if (k == ISO_ARRAY_SIZE(io_max_keys))
			return -EOPNOTSUPP;
		snprintf(file, sizeof(file), "%.*s/%s", dir_len(path), path, io_max_keys[k][1]);
		r = iso_write_file(file, "%s %s", dev, strcmp(eq + 1, "max") ? eq + 1 : "0");
		if (r < 0)
			return r;
	}
	return 0;
}

/* The four v1 blk-throttle files as v2 io.max lines. Returns length or -errno. */
static ssize_t v1_io_max_read(const char *path, char *buf, size_t len)
{
	struct {
		char dev[32];
		char val[4][24];
	} devs[16];
	int ndev = 0;
	size_t off = 0;

	for (size_t k = 0; k < ISO_ARRAY_SIZE(io_max_keys); k++) {
		char file[ISO_CG_PATH + 64], *line, *save = NULL;
		_cleanup_free_ char *txt = NULL;
		ssize_t r;

		snprintf(file, sizeof(file), "%.*s/%s", dir_len(path), path, io_max_keys[k][1]);
		r = iso_read_file_alloc(file, &txt);
		if (r < 0)
			return r;
		for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char dev[32], v[24];
			int i;

			if (sscanf(line, "%31s %23s", dev, v) != 2)
				continue;
			for (i = 0; i < ndev && strcmp(devs[i].dev, dev); i++)
				;
			if (i == ndev) {
				if (ndev == (int)ISO_ARRAY_SIZE(devs))
					continue;
				snprintf(devs[ndev].dev, sizeof(devs[ndev].dev), "%s", dev);
				for (int j = 0; j < 4; j++)
					snprintf(devs[ndev].val[j], sizeof(devs[ndev].val[j]),
						 "max");
				ndev++;
			}
			snprintf(devs[i].val[k], sizeof(devs[i].val[k]), "%s", v);
		}
	}
	buf[0] = '\0';
	for (int i = 0; i < ndev && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s rbps=%s wbps=%s riops=%s wiops=%s",
				i ? "\n" : "", devs[i].dev, devs[i].val[0], devs[i].val[1],
				devs[i].val[2], devs[i].val[3]);
	return off < len ? (ssize_t)off : (ssize_t)len - 1;
}

/*
 * io.stat's "MAJ:MIN field" (rbytes, wbytes, rios, wios, dbytes, dios): the field
 * of the device's line on v2, or the Read/Write/Discard line of
 * blkio.throttle.io_service{_bytes,d}_recursive on v1. A device without a line
 * has done no I/O: 0. Returns 0 or -errno.
 */
static int io_stat_key(const char *path, int version, const char *key, int64_t *out)
{
	char dev[32], field[16], want[64], file[ISO_CG_PATH + 64], *line, *save = NULL;
	_cleanup_free_ char *txt = NULL;
	const char *v1file = NULL, *v1op = NULL;
	size_t dl;
	ssize_t r;

	if (sscanf(key, "%31s %15s", dev, field) != 2)
		return -EINVAL;
	if (version == 1) {
		static const char *const map[][3] = {
			{ "rbytes", "blkio.throttle.io_service_bytes_recursive", "Read" },
			{ "wbytes", "blkio.throttle.io_service_bytes_recursive", "Write" },
			{ "dbytes", "blkio.throttle.io_service_bytes_recursive", "Discard" },
			{ "rios", "blkio.throttle.io_serviced_recursive", "Read" },
			{ "wios", "blkio.throttle.io_serviced_recursive", "Write" },
			{ "dios", "blkio.throttle.io_serviced_recursive", "Discard" },
		};

		for (size_t i = 0; i < ISO_ARRAY_SIZE(map); i++)
			if (!strcmp(field, map[i][0])) {
				v1file = map[i][1];
				v1op = map[i][2];
			}
		if (!v1file)
			return -EOPNOTSUPP;
		snprintf(file, sizeof(file), "%.*s/%s", dir_len(path), path, v1file);
		path = file;
	}
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return r;
	*out = 0;
	dl = strlen(dev);
	snprintf(want, sizeof(want), "%s=", field);
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p;

		if (strncmp(line, dev, dl) || line[dl] != ' ')
			continue;
		p = line + dl + 1;
		if (version == 1) {
			size_t ol = strlen(v1op);

			if (!strncmp(p, v1op, ol) && p[ol] == ' ') {
				*out = strtoll(p + ol + 1, NULL, 10);
				return 0;
			}
			continue;
		}
		while (p && *p) {
			if (!strncmp(p, want, strlen(want))) {
				*out = strtoll(p + strlen(want), NULL, 10);
				return 0;
			}
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		return 0;
	}
	return 0;
}

/* Returns 0 or -errno. */
int iso_cg_write(const struct iso_cg *cg, const char *knob, const char *fmt, ...)
{
	char path[ISO_CG_PATH + 64], val[256];
	enum xlate xl;
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!strcmp(knob, "cgroup.procs"))
		return iso_cg_attach(cg, (pid_t)atoi(val));
	r = knob_resolve(cg, knob, path, sizeof(path), &xl);
	if (r < 0)
		return r;
	switch (xl) {
	case XL_MAX:
		if (!strcmp(val, "max"))
			snprintf(val, sizeof(val), "-1");
		break;
	case XL_FREEZE:
		snprintf(val, sizeof(val), "%s", atoi(val) ? "FROZEN" : "THAWED");
		break;
	case XL_WEIGHT: {
		long w = atol(val);

		if (w < 1 || w > 10000)
			return -EINVAL;
		snprintf(val, sizeof(val), "%ld", w * 1024 / 100 < 2 ? 2 : w * 1024 / 100);
		break;
	}
	case XL_CPUMAX: {
		char q[64] = "max", ppath[ISO_CG_PATH + 64];
		long period = 100000;
		char *slash;

		if (sscanf(val, "%63s %ld", q, &period) < 1)
			return -EINVAL;
		slash = strrchr(path, '/');
		snprintf(ppath, sizeof(ppath), "%.*s/cpu.cfs_period_us", (int)(slash - path), path);
		r = iso_write_file(ppath, "%ld", period);
		if (r < 0)
			return r;
		return iso_write_file(path, "%s", strcmp(q, "max") ? q : "-1");
	}
	case XL_IOMAX:
		return v1_io_max_write(path, val);
	case XL_NONE:
		break;
	}
	return iso_write_file(path, "%s", val);
}

/* Returns length or -errno. */
ssize_t iso_cg_read(const struct iso_cg *cg, const char *knob, char *buf, size_t len)
{
	char path[ISO_CG_PATH + 64];
	enum xlate xl;
	ssize_t n;
	int r = knob_resolve(cg, knob, path, sizeof(path), &xl);

	if (r < 0)
		return r;
	if (xl == XL_IOMAX)
		return v1_io_max_read(path, buf, len);
	n = iso_read_file(path, buf, len);
	if (n < 0)
		return n;
	switch (xl) {
	case XL_MAX:
		/* v1 reports "unlimited" as a huge page-rounded number. */
		if (strtoull(buf, NULL, 10) >= (1ull << 62))
			n = snprintf(buf, len, "max");
		break;
	case XL_FREEZE:
		n = snprintf(buf, len, "%d", strcmp(buf, "THAWED") ? 1 : 0);
		break;
	case XL_WEIGHT:
		n = snprintf(buf, len, "%ld", atol(buf) * 100 / 1024);
		break;
	case XL_CPUMAX: {
		char ppath[ISO_CG_PATH + 64], pbuf[32];
		char *slash = strrchr(path, '/');
		long q = atol(buf);

		snprintf(ppath, sizeof(ppath), "%.*s/cpu.cfs_period_us", (int)(slash - path), path);
		if (iso_read_file(ppath, pbuf, sizeof(pbuf)) < 0)
			return -EIO;
		if (q < 0)
			n = snprintf(buf, len, "max %s", pbuf);
		else
			n = snprintf(buf, len, "%ld %s", q, pbuf);
		break;
	}
	case XL_IOMAX: /* handled above */
	case XL_NONE:
		break;
	}
	return n;
}

/* Returns 0 or -errno. */
int iso_cg_read_key(const struct iso_cg *cg, const char *knob, const char *key, int64_t *out)
{
	char path[ISO_CG_PATH + 64];
	int v = 0;
	const char *dir;

	if (!strcmp(knob, "memory.events") &&
	    iso_cg_controller_version(cg->layout, "memory") == 1) {
		dir = iso_cg_dir(cg, "memory");
		if (!dir)
			return -ENOENT;
		if (!strcmp(key, "oom_kill")) {
			snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
			return iso_read_keyed(path, "oom_kill", out);
		}
		if (!strcmp(key, "max")) {
			snprintf(path, sizeof(path), "%s/memory.failcnt", dir);
			return iso_read_i64(path, out);
		}
		return -EOPNOTSUPP;
	}
	if (!strcmp(knob, "cgroup.events") && !strcmp(key, "frozen")) {
		/* Where cgroup.freeze maps to v1 freezer.state, "frozen" is its FROZEN. */
		enum xlate xl;
		char st[32];
		ssize_t n;

		if (knob_resolve(cg, "cgroup.freeze", path, sizeof(path), &xl) == 0 &&
		    xl == XL_FREEZE) {
			n = iso_read_file(path, st, sizeof(st));
			if (n < 0)
				return (int)n;
			*out = !strcmp(st, "FROZEN");
			return 0;
		}
	}
	if (!strcmp(knob, "cpu.stat") && (v = iso_cg_controller_version(cg->layout, "cpu")) == 1) {
		int64_t x;
		int r;

		if (!strcmp(key, "usage_usec")) {
			dir = iso_cg_dir(cg, "cpuacct");
			if (!dir)
				return -EOPNOTSUPP;
			snprintf(path, sizeof(path), "%s/cpuacct.usage", dir);
			r = iso_read_i64(path, &x);
			if (r == 0)
				*out = x / 1000;
			return r;
		}
		dir = iso_cg_dir(cg, "cpu");
		if (!dir)
			return -ENOENT;
		snprintf(path, sizeof(path), "%s/cpu.stat", dir);
		if (!strcmp(key, "throttled_usec")) {
			r = iso_read_keyed(path, "throttled_time", &x);
			if (r == 0)
				*out = x / 1000;
			return r;
		}
		return iso_read_keyed(path, key, out);
	}
	{
		enum xlate xl;
		int r = knob_resolve(cg, knob, path, sizeof(path), &xl);

		if (r < 0)
			return r;
		if (!strcmp(knob, "io.stat"))
			return io_stat_key(path,
					   strncmp(path + dir_len(path), "/blkio.", 7) ? 2 : 1, key,
					   out);
		return iso_read_keyed(path, key, out);
	}
}

/* ---- creation, attach, kill, removal ---- */

/* True if hierarchy h carries any controller of the list (space-separated). */
static bool hier_wanted(const struct iso_cg_hier *h, const char *controllers)
{
	const char *p = controllers;

	if (h->name[0])
		return false;
	if (!controllers || !*controllers || h->version == 2)
		return true;
	while (*p) {
		char word[64];
		size_t n = strcspn(p, " ,");

		snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), p);
		if (n && list_has(h->controllers, word, h->version == 1 ? "," : " "))
			return true;
		p += n;
		p += strspn(p, " ,");
	}
	return false;
}

/*
 * The words of list (space/newline separated) that are (in_set) or are not
 * (!in_set) in set (separated by any of seps), space-separated into out.
 */
static void list_select(const char *list, const char *set, const char *seps, bool in_set, char *out,
			size_t len)
{
	const char *p = list;

	out[0] = '\0';
	while (*p) {
		size_t n = strcspn(p, " \n"), off = strlen(out);
		char word[64];

		snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), p);
		if (n && list_has(set, word, seps) == in_set)
			snprintf(out + off, len - off, "%s%s", off ? " " : "", word);
		p += n;
		p += strspn(p, " \n");
	}
}

/* Writes "+c" or "-c" for each word of list into dir's cgroup.subtree_control. */
static int subtree_write(const char *dir, const char *list, char sign)
{
	char path[ISO_CG_PATH + 32], cmd[512] = "";
	size_t off = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, " \n");

		if (n && off < sizeof(cmd))
			off += snprintf(cmd + off, sizeof(cmd) - off, "%s%c%.*s", off ? " " : "",
					sign, (int)n, p);
		p += n;
		p += strspn(p, " \n");
	}
	if (!off)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	return iso_write_file(path, "%s", cmd);
}

/* Enables every v2 controller in `want` (NULL: all available) in dir's subtree_control. */
static int v2_enable(const char *dir, const char *want)
{
	char path[ISO_CG_PATH + 64], avail[256], list[256];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (iso_read_file(path, avail, sizeof(avail)) < 0)
		return 0;
	if (want && *want)
		list_select(avail, want, " ,", true, list, sizeof(list));
	else
		snprintf(list, sizeof(list), "%s", avail);
	return subtree_write(dir, list, '+');
}

/* Copies cpuset.cpus and cpuset.mems from the parent (v1 starts them empty). */
static int v1_cpuset_init(const char *parent, const char *dir)
{
	static const char *const f[] = { "cpuset.cpus", "cpuset.mems" };

	for (int i = 0; i < 2; i++) {
		char p[ISO_CG_PATH + 32], c[ISO_CG_PATH + 32], val[1024];
		ssize_t n;
		int r;

		snprintf(p, sizeof(p), "%s/%s", parent, f[i]);
		snprintf(c, sizeof(c), "%s/%s", dir, f[i]);
		n = iso_read_file(p, val, sizeof(val));
		if (n < 0)
			return n;
		if (n == 0)
			continue;
		r = iso_write_file(c, "%s", val);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cg_build(const struct iso_cg_layout *l, const struct iso_cg *parent, const char *name,
		    const char *controllers, struct iso_cg **out, bool create)
{
	struct iso_cg *cg = calloc(1, sizeof(*cg));
	int r = 0;

	if (!cg)
		return -ENOMEM;
	cg->layout = l;
	for (int i = 0; i < l->nhier; i++) {
		const struct iso_cg_hier *h = &l->hier[i];
		const char *pdir;
		char *dir;
		int pd;

		if (parent) {
			pd = cg_dir_of(parent, i);
			if (pd < 0)
				continue;
			pdir = parent->dir[pd].path;
		} else {
			if (!h->self[0])
				continue;
			pdir = h->self;
		}
		if (!hier_wanted(h, controllers))
			continue;
		dir = cg->dir[cg->ndirs].path;
		if ((size_t)snprintf(dir, ISO_CG_PATH, "%s/%s", pdir, name) >= ISO_CG_PATH) {
			r = -ENAMETOOLONG;
			break;
		}
		if (create) {
			/*
			 * Controllers are enabled in the parent's subtree_control; in the
			 * start cgroup itself only on a pure v2 host, where nothing works
			 * without it (hybrid hosts keep their controllers on v1).
			 */
			if (h->version == 2 && (parent || l->mode == ISO_CG_MODE_V2)) {
				r = v2_enable(pdir, controllers);
				/* EBUSY: the parent has processes; keep going without controllers. */
				if (r < 0 && r != -EBUSY && r != -ENOENT && r != -EOPNOTSUPP)
					break;
				r = 0;
			}
			if (mkdir(dir, 0755) < 0) {
				r = -errno;
				break;
			}
			cg->dir[cg->ndirs].hier = i;
			cg->ndirs++;
			if (h->version == 1 && list_has(h->controllers, "cpuset", ",")) {
				r = v1_cpuset_init(pdir, dir);
				if (r < 0)
					break;
			}
		} else {
			struct stat st;

			if (stat(dir, &st) < 0)
				continue;
			cg->dir[cg->ndirs].hier = i;
			cg->ndirs++;
		}
	}
	if (r == 0 && cg->ndirs == 0)
		r = create ? -ENODEV : -ENOENT;
	if (r < 0) {
		if (create)
			iso_cg_destroy(cg);
		else
			free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

/* Returns 0 or -errno. */
int iso_cg_create(const struct iso_cg_layout *l, const struct iso_cg *parent, const char *name,
		  const char *controllers, struct iso_cg **out)
{
	return cg_build(l, parent, name, controllers, out, true);
}

/* Returns 0 or -ENOENT. */
int iso_cg_open(const struct iso_cg_layout *l, const struct iso_cg *parent, const char *name,
		struct iso_cg **out)
{
	return cg_build(l, parent, name, NULL, out, false);
}

void iso_cg_free(struct iso_cg *cg)
{
	free(cg);
}

/* Returns 0 or -errno (the first failure; it still tries every hierarchy). */
int iso_cg_attach(const struct iso_cg *cg, pid_t pid)
{
	int ret = 0;

	for (int i = 0; i < cg->ndirs; i++) {
		char path[ISO_CG_PATH + 32];
		int r;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg->dir[i].path);
		r = iso_write_file(path, "%d", (int)pid);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

/* Returns the number of pids in dir/cgroup.procs or -errno. */
static int read_procs(const char *dir, pid_t *pids, int max, int n)
{
	char path[ISO_CG_PATH + 32];
	_cleanup_free_ char *txt = NULL;
	char *line, *save = NULL;
	ssize_t r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return r;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		pid_t p = atoi(line);
		bool seen = false;

		for (int i = 0; i < n; i++)
			if (pids[i] == p)
				seen = true;
		if (!seen && n < max && p > 0)
			pids[n++] = p;
	}
	return n;
}

/* Collects pids of dir and all descendants into pids[n..]. Returns new n or -errno. */
static int collect_tree(const char *dir, pid_t *pids, int max, int n)
{
	DIR *d;
	struct dirent *e;
	int r = read_procs(dir, pids, max, n);

	if (r < 0)
		return r == -ENOENT ? n : r;
	n = r;
	d = opendir(dir);
	if (!d)
		return n;
	while ((e = readdir(d))) {
		char sub[ISO_CG_PATH];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			continue;
		r = collect_tree(sub, pids, max, n);
		if (r >= 0)
			n = r;
	}
	closedir(d);
	return n;
}

/* Returns the count or -errno. */
int iso_cg_pids(const struct iso_cg *cg, pid_t *pids, int max)
{
	int n = 0;

	for (int i = 0; i < cg->ndirs; i++) {
		int r = collect_tree(cg->dir[i].path, pids, max, n);

		if (r >= 0)
			n = r;
	}
	return n;
}

/* Returns the count or -errno. */
int iso_cg_nprocs(const struct iso_cg *cg, const char *ctrl)
{
	pid_t pids[4096];
	const char *dir = iso_cg_dir(cg, ctrl);

	if (!dir)
		return -ENOENT;
	return read_procs(dir, pids, ISO_ARRAY_SIZE(pids), 0);
}

/*
 * Reaps the killed processes that are our children (directly, or reparented to
 * us as a subreaper). Only those: a case calling this must keep its other
 * children.
 */
static void reap_these(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, WNOHANG | __WALL);
}

/* Writes FROZEN/THAWED to a v1 freezer dir if it has one; returns 0 or -errno. */
static int v1_freeze(const char *dir, bool on)
{
	char path[ISO_CG_PATH + 32];

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	if (access(path, W_OK) < 0)
		return -ENOENT;
	return iso_write_file(path, "%s", on ? "FROZEN" : "THAWED");
}

/* Adds the pids of cur that seen lacks. Returns the new count of seen. */
static int merge_pids(pid_t *seen, int nseen, int max, const pid_t *cur, int ncur)
{
	for (int i = 0; i < ncur; i++) {
		bool dup = false;

		for (int k = 0; k < nseen && !dup; k++)
			dup = seen[k] == cur[i];
		if (!dup && nseen < max)
			seen[nseen++] = cur[i];
	}
	return nseen;
}

/*
 * Kills every process in dir and below until none is left (cgroup.kill on v2;
 * freeze, kill, thaw rounds on v1), then reaps those of them that are our
 * children. Returns the number killed or -errno.
 */
int iso_cg_dir_kill(const char *dir, int version)
{
	static pid_t cur[8192], seen[8192];
	char path[ISO_CG_PATH + 32];
	int nseen = 0, ret = -EBUSY;
	bool frozen = false, v2kill = false;

	if (version == 2) {
		snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
		nseen = collect_tree(dir, seen, ISO_ARRAY_SIZE(seen), 0);
		if (nseen < 0)
			nseen = 0;
		v2kill = iso_write_file(path, "1") == 0;
	}
	if (!v2kill)
		frozen = v1_freeze(dir, true) == 0;
	for (int round = 0; round < 1000; round++) {
		int n = collect_tree(dir, cur, ISO_ARRAY_SIZE(cur), 0);

		if (n <= 0) {
			ret = n < 0 && n != -ENOENT ? n : nseen;
			break;
		}
		nseen = merge_pids(seen, nseen, ISO_ARRAY_SIZE(seen), cur, n);
		if (!v2kill)
			for (int i = 0; i < n; i++)
				kill(cur[i], SIGKILL);
		if (frozen && round % 4 == 3) {
			/* Killed tasks must thaw to exit. */
			v1_freeze(dir, false);
			iso_sleep_ms(2);
			v1_freeze(dir, true);
		}
		reap_these(seen, nseen);
		iso_sleep_ms(round < 10 ? 1 : 5);
	}
	if (frozen)
		v1_freeze(dir, false);
	reap_these(seen, nseen);
	return ret;
}

/* Removes dir and its sub-cgroups, children first. Returns 0 or -errno. */
int iso_cg_dir_remove(const char *dir, int version)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	(void)version;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		char sub[ISO_CG_PATH];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			continue;
		r = iso_cg_dir_remove(sub, version);
	}
	closedir(d);
	for (int i = 0; i < 400; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		iso_sleep_ms(5);
	}
	return r < 0 ? r : -EBUSY;
}

/* Returns the number killed or -errno. */
int iso_cg_kill(const struct iso_cg *cg)
{
	int total = 0, ret = 0;

	if (!cg)
		return 0;
	/* v2 first: cgroup.kill reaches every member, even in hybrid mode. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < cg->ndirs; i++) {
			int ver = cg->layout->hier[cg->dir[i].hier].version;
			int r;

			if ((pass == 0) != (ver == 2))
				continue;
			r = iso_cg_dir_kill(cg->dir[i].path, ver);
			if (r < 0 && ret == 0)
				ret = r;
			else if (r > 0)
				total += r;
		}
	}
	return ret < 0 ? ret : total;
}

/* Returns 0 or -errno. */
int iso_cg_destroy(struct iso_cg *cg)
{
	int ret = 0;

	if (!cg)
		return 0;
	iso_cg_kill(cg);
	for (int i = cg->ndirs - 1; i >= 0; i--) {
		int r = iso_cg_dir_remove(cg->dir[i].path,
					  cg->layout->hier[cg->dir[i].hier].version);

		if (r < 0 && ret == 0)
			ret = r;
	}
	free(cg);
	return ret;
}

void iso_cg_destroyp(struct iso_cg **cg)
{
	iso_cg_destroy(*cg);
	*cg = NULL;
}

int iso_cg_layout_v2only(const struct iso_cg_layout *l, const char *self, struct iso_cg_layout *out)
{
	if (!l || l->v2 < 0)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->mode = ISO_CG_MODE_V2;
	out->nhier = 1;
	out->v2 = 0;
	out->hier[0] = l->hier[l->v2];
	if (self)
		snprintf(out->hier[0].self, sizeof(out->hier[0].self), "%s", self);
	return 0;
}

/* ---- stepping aside for cgroup v2's "no internal processes" rule ---- */

int iso_cg_step_aside(const struct iso_cg *run, const char *name, struct iso_cg_aside *a, char *why,
		      size_t len)
{
	const struct iso_cg_layout *l = run->layout;
	char path[ISO_CG_PATH + 32], avail[256] = "", before[256] = "";
	_cleanup_free_ char *procs = NULL;
	char *line, *save = NULL;
	int others = 0, r;

	memset(a, 0, sizeof(*a));
	a->run = run;
	if (l->v2 < 0 || !l->hier[l->v2].self[0]) {
		snprintf(why, len, "no cgroup v2 hierarchy to step aside in");
		return -ENOENT;
	}
	snprintf(a->start, sizeof(a->start), "%s", l->hier[l->v2].self);
	snprintf(path, sizeof(path), "%s/cgroup.procs", a->start);
	r = iso_read_file_alloc(path, &procs);
	if (r < 0) {
		snprintf(why, len, "read %s: %s", path, strerror(-r));
		return r;
	}
	for (line = strtok_r(procs, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		others += atoi(line) != getpid();
	if (others) {
		snprintf(why, len,
			 "the start cgroup %s holds %d process%s besides isobench, so it cannot "
			 "hand controllers to isobench's cgroups (cgroup v2: no internal "
			 "processes); start isobench in a cgroup of its own, e.g. "
			 "`systemd-run --user --scope -p Delegate=yes isobench ...`",
			 a->start, others, others == 1 ? "" : "es");
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", a->start);
	iso_read_file(path, avail, sizeof(avail));
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", a->start);
	iso_read_file(path, before, sizeof(before));
	list_select(avail, before, " \n", false, a->enabled, sizeof(a->enabled));
	r = iso_cg_create(l, run, name, NULL, &a->leaf);
	if (r == 0) {
		r = iso_cg_attach(a->leaf, getpid());
		if (r < 0) {
			iso_cg_dir_remove(iso_cg_dir(a->leaf, NULL), 2);
			iso_cg_free(a->leaf);
			a->leaf = NULL;
		}
	}
	if (r < 0) {
		snprintf(why, len, "move isobench into %s/%s: %s", iso_cg_dir(run, NULL), name,
			 strerror(-r));
		return r;
	}
	r = subtree_write(a->start, a->enabled, '+');
	if (r < 0) {
		snprintf(why, len, "enable \"%s\" in %s/cgroup.subtree_control: %s", a->enabled,
			 a->start, strerror(-r));
		a->enabled[0] = '\0';
		iso_cg_step_back(a);
		return r;
	}
	return 0;
}

int iso_cg_step_back(struct iso_cg_aside *a)
{
	char path[ISO_CG_PATH + 32], on[256] = "";
	const char *run;
	int ret = 0, r;

	if (!a->leaf)
		return 0;
	/* Inside out: run hands nothing to its children, then the start cgroup as it was. */
	run = iso_cg_dir(a->run, NULL);
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", run);
	if (iso_read_file(path, on, sizeof(on)) > 0)
		ret = subtree_write(run, on, '-');
	r = subtree_write(a->start, a->enabled, '-');
	if (r < 0 && ret == 0)
		ret = r;
	snprintf(path, sizeof(path), "%s/cgroup.procs", a->start);
	r = iso_write_file(path, "%d", (int)getpid());
	if (r < 0)
		return r; /* still in the leaf: the caller must not kill run's members */
	iso_cg_dir_remove(iso_cg_dir(a->leaf, NULL), 2);
	iso_cg_free(a->leaf);
	a->leaf = NULL;
	return ret;
}

/* ---- named v1 hierarchies ---- */

/* True if /proc/self/cgroup lists the named v1 hierarchy. */
bool iso_cg_named_exists(const char *name)
{
	char buf[8192], pat[160];

	if (iso_read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return false;
	snprintf(pat, sizeof(pat), ":name=%s:", name);
	return strstr(buf, pat) != NULL;
}

/* One pass: mount privately, empty and remove the children, unmount. Returns 0 or -errno. */
static int named_pass(const char *name)
{
	pid_t p = fork();
	int st = 0;

	if (p < 0)
		return -errno;
	if (p == 0) {
		char dir[] = "/tmp/isobench-hier.XXXXXX", o[160];
		DIR *d;
		struct dirent *e;

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(1);
		if (!mkdtemp(dir))
			_exit(2);
		snprintf(o, sizeof(o), "none,name=%s", name);
		if (mount("cgroup", dir, "cgroup", 0, o) < 0) {
			rmdir(dir);
			_exit(3);
		}
		d = opendir(dir);
		while (d && (e = readdir(d))) {
			char sub[ISO_CG_PATH];

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			iso_cg_dir_kill(sub, 1);
			iso_cg_dir_remove(sub, 1);
		}
		if (d)
			closedir(d);
		umount2(dir, 0);
		rmdir(dir);
		_exit(0);
	}
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* Returns 0 or -EBUSY. */
int iso_cg_named_destroy(const char *name)
{
	for (int pass = 0; pass < 5; pass++) {
		/* Destruction after the last unmount is asynchronous: give it time first. */
		for (int i = 0; i < 50; i++) {
			if (!iso_cg_named_exists(name))
				return 0;
			iso_sleep_ms(10);
		}
		named_pass(name);
	}
	return iso_cg_named_exists(name) ? -EBUSY : 0;
}
