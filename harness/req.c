// SPDX-License-Identifier: MIT
/* Requirements declared by cases, checked before a case forks. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kconfig.h"
#include "runner.h"

static const struct {
	unsigned long flag;
	const char *name;
} ns_names[] = {
	{ CLONE_NEWNS, "mnt" },	       { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWIPC, "ipc" },       { CLONE_NEWUSER, "user" },
	{ CLONE_NEWPID, "pid" },       { CLONE_NEWNET, "net" },
	{ CLONE_NEWCGROUP, "cgroup" }, { 0x00000080 /* CLONE_NEWTIME */, "time" },
};

void iso_ns_flags_str(unsigned long flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ISO_ARRAY_SIZE(ns_names); i++)
		if ((flags & ns_names[i].flag) && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? " " : "",
					ns_names[i].name);
}

static int host_kconfig(const char *opt)
{
	const struct iso_kconfig *k = iso_kconfig_host();

	return k ? iso_kconfig_get(k, opt) : -ENOENT;
}

/* Returns length or -errno. */
static ssize_t host_sysctl(const char *name, char *buf, size_t len)
{
	char path[256];
	size_t off = snprintf(path, sizeof(path), "/proc/sys/");

	for (const char *p = name; *p && off < sizeof(path) - 1; p++)
		path[off++] = *p == '.' ? '/' : *p;
	path[off] = '\0';
	return iso_read_file(path, buf, len);
}

static int host_exists(const char *path)
{
	return access(path, F_OK) ? -errno : 0;
}

void iso_env_host(struct iso_env *env)
{
	struct utsname u;

	memset(env, 0, sizeof(*env));
	env->euid = geteuid();
	if (uname(&u) == 0)
		snprintf(env->release, sizeof(env->release), "%s", u.release);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(ns_names); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i].name);
		if (access(path, F_OK) == 0)
			env->ns_present |= ns_names[i].flag;
	}
	env->layout = iso_cg_layout_get();
	env->kconfig = host_kconfig;
	env->sysctl = host_sysctl;
	env->exists = host_exists;
	env->cgroup_usable = true;
	if (env->euid != 0) {
		env->userns = iso_userns_probe(env->userns_why, sizeof(env->userns_why)) == 0;
		env->cg_delegated = iso_cg_delegated(env->layout);
	}
}

/*
 * A delegated cgroup v2 subtree (systemd's Delegate=yes, or a directory root
 * chowned to the user): the start cgroup's directory, cgroup.procs and
 * cgroup.subtree_control are writable by the user.
 */
bool iso_cg_delegated(const struct iso_cg_layout *l)
{
	static const char *const files[] = { "", "/cgroup.procs", "/cgroup.subtree_control" };

	if (!l || l->v2 < 0 || !l->hier[l->v2].self[0])
		return false;
	for (size_t i = 0; i < ISO_ARRAY_SIZE(files); i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s%s", l->hier[l->v2].self, files[i]);
		if (access(p, W_OK) < 0)
			return false;
	}
	return true;
}

enum iso_priv iso_req_priv(const struct iso_req *req, const struct iso_env *env)
{
	if (env->euid == 0)
		return ISO_PRIV_ROOT;
	if (!req->root)
		return ISO_PRIV_USER;
	if (req->deleg_ok && env->cg_delegated)
		return ISO_PRIV_DELEGATED;
	if (req->userns_ok && env->userns)
		return ISO_PRIV_USERNS;
	return ISO_PRIV_NONE;
}

static bool needs_cgroup(const struct iso_req *req)
{
	return req->cgroup != ISO_CGV_ANY || (req->controllers && *req->controllers);
}

/* Why a user other than root cannot run a case with req. */
static void why_not_rootless(const struct iso_req *req, const struct iso_env *env, char *why,
			     size_t len)
{
	if (req->userns_ok)
		snprintf(why, len, "needs root, or a user namespace of the user's own (%s)",
			 env->userns_why[0] ? env->userns_why : "cannot make one");
	else if (req->deleg_ok)
		snprintf(why, len,
			 "needs root, or a delegated cgroup v2 subtree to start in (none here: "
			 "`systemd-run --user --scope -p Delegate=yes isobench run`, or a cgroup "
			 "v2 directory root made and chowned to the user)");
	else if (!req->root_for && (req->cgroup == ISO_CGV_V1 ||
				    (req->controllers && strstr(req->controllers, "@v1"))))
		snprintf(why, len,
			 "needs CAP_SYS_ADMIN in the initial user namespace: cgroup v1 "
			 "hierarchies are root's (only a cgroup v2 subtree can be delegated to "
			 "a user, cgroup-v2.rst \"Delegation\")");
	else
		snprintf(why, len, "needs CAP_SYS_ADMIN in the initial user namespace: %s",
			 req->root_for	   ? req->root_for :
			 needs_cgroup(req) ? "not yet checked in a delegated cgroup subtree" :
					     "not yet checked in a user namespace");
}

/* Iterates over words of a space/comma list: returns the next word in w or NULL. */
static const char *next_word(const char *p, char *w, size_t len)
{
	size_t n;

	if (!p)
		return NULL;
	p += strspn(p, " ,");
	if (!*p)
		return NULL;
	n = strcspn(p, " ,");
	snprintf(w, len, "%.*s", (int)(n < len - 1 ? n : len - 1), p);
	return p + n;
}

static bool check_sysctl(const char *expr, const struct iso_env *env, char *why, size_t len)
{
	char name[128], val[128];
	const char *op = strpbrk(expr, "<>=");
	long want, have;
	ssize_t r;

	if (!op) {
		snprintf(why, len, "bad sysctl requirement '%s'", expr);
		return false;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(op - expr), expr);
	r = env->sysctl(name, val, sizeof(val));
	if (r < 0) {
		/* An absent knob fails an equality or lower-bound demand. */
		snprintf(why, len, "needs sysctl %s (not present on this kernel)", name);
		return false;
	}
	have = strtol(val, NULL, 10);
	if (op[0] == '>' && op[1] == '=') {
		want = strtol(op + 2, NULL, 10);
		if (have >= want)
			return true;
	} else if (op[0] == '<' && op[1] == '=') {
		want = strtol(op + 2, NULL, 10);
		if (have <= want)
			return true;
	} else if (op[0] == '=') {
		want = strtol(op + 1, NULL, 10);
		if (have == want)
			return true;
	} else {
		snprintf(why, len, "bad sysctl requirement '%s'", expr);
		return false;
	}
	snprintf(why, len, "needs sysctl %s (it is %s)", expr, val);
	return false;
}

bool iso_req_check(const struct iso_req *req, const struct iso_env *env, char *why, size_t len)
{
	char w[128];
	const char *p;

	if (iso_req_priv(req, env) == ISO_PRIV_NONE) {
		why_not_rootless(req, env, why, len);
		return false;
	}
	if (req->ns & ~env->ns_present) {
		char names[128];

		iso_ns_flags_str(req->ns & ~env->ns_present, names, sizeof(names));
		snprintf(why, len, "needs %s namespace support (absent from /proc/self/ns)", names);
		return false;
	}
	if (req->kernel && iso_kver_cmp(env->release, req->kernel) < 0) {
		snprintf(why, len, "needs kernel %s or later (running %s)", req->kernel,
			 env->release);
		return false;
	}
	if (req->cgroup == ISO_CGV_V2 && (!env->layout || env->layout->v2 < 0)) {
		snprintf(why, len, "needs a cgroup v2 hierarchy (mode: %s)",
			 iso_cg_mode_name(env->layout ? env->layout->mode : ISO_CG_MODE_NONE));
		return false;
	}
	if (req->cgroup == ISO_CGV_V1) {
		bool v1 = false;

		for (int i = 0; env->layout && i < env->layout->nhier; i++)
			v1 |= env->layout->hier[i].version == 1 && !env->layout->hier[i].name[0];
		if (!v1) {
			snprintf(why, len, "needs cgroup v1 controller hierarchies (mode: %s)",
				 iso_cg_mode_name(env->layout ? env->layout->mode :
								ISO_CG_MODE_NONE));
			return false;
		}
	}
	if (needs_cgroup(req) && !env->cgroup_usable) {
		snprintf(why, len, "needs cgroups, but isobench cannot create cgroups here%s%s",
			 env->cgroup_why[0] ? ": " : "", env->cgroup_why);
		return false;
	}
	for (p = next_word(req->controllers, w, sizeof(w)); p; p = next_word(p, w, sizeof(w))) {
		char *at = strchr(w, '@');
		int ver, want = 0;

		if (at) {
			*at = '\0';
			want = at[2] - '0';
		}
		ver = env->layout ? iso_cg_controller_version(env->layout, w) : -ENOENT;
		if (ver < 0) {
			snprintf(why, len, "needs the %s cgroup controller (not available here)",
				 w);
			return false;
		}
		if (want && ver != want) {
			snprintf(why, len,
				 "needs the %s controller on cgroup v%d (it is on v%d here)", w,
				 want, ver);
			return false;
		}
	}
	for (p = next_word(req->kconfig, w, sizeof(w)); p; p = next_word(p, w, sizeof(w))) {
		int v = env->kconfig ? env->kconfig(w) : -ENOENT;

		if (v == 'n') {
			snprintf(why, len, "needs %s%s=y or =m (kernel config says not set)",
				 strncmp(w, "CONFIG_", 7) ? "CONFIG_" : "", w);
			return false;
		}
		/* Unknown config: the case probes at run time and skips itself if needed. */
	}
	for (p = next_word(req->sysctl, w, sizeof(w)); p; p = next_word(p, w, sizeof(w)))
		if (!check_sysctl(w, env, why, len))
			return false;
	for (p = next_word(req->files, w, sizeof(w)); p; p = next_word(p, w, sizeof(w))) {
		if (env->exists(w) < 0) {
			snprintf(why, len, "needs %s (missing)", w);
			return false;
		}
	}
	return true;
}

json_t *iso_req_json(const struct iso_req *req)
{
	json_t *o = json_object();
	char ns[128];

	json_object_set_new(o, "root", json_boolean(req->root));
	if (req->root)
		json_object_set_new(o, "userns_ok", json_boolean(req->userns_ok));
	if (req->root && req->deleg_ok)
		json_object_set_new(o, "deleg_ok", json_boolean(true));
	if (req->root_for)
		json_object_set_new(o, "root_for", json_string(req->root_for));
	iso_ns_flags_str(req->ns, ns, sizeof(ns));
	if (ns[0])
		json_object_set_new(o, "namespaces", json_string(ns));
	if (req->kernel)
		json_object_set_new(o, "kernel", json_string(req->kernel));
	if (req->cgroup != ISO_CGV_ANY)
		json_object_set_new(o, "cgroup",
				    json_string(req->cgroup == ISO_CGV_V1 ? "v1" :
						req->cgroup == ISO_CGV_V2 ? "v2" :
									    "usable"));
	if (req->controllers)
		json_object_set_new(o, "controllers", json_string(req->controllers));
	if (req->kconfig)
		json_object_set_new(o, "kconfig", json_string(req->kconfig));
	if (req->sysctl)
		json_object_set_new(o, "sysctl", json_string(req->sysctl));
	if (req->files)
		json_object_set_new(o, "files", json_string(req->files));
	return o;
}
