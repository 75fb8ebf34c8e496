// SPDX-License-Identifier: MIT
/* The session lifecycle shared by `isobench run` and `isobench bench` (session.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "opts.h"
#include "session.h"
#include "sysinfo.h"

int iso_session_env_add(struct iso_session_opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return -EINVAL;
	if (o->nenv == ISO_SESSION_MAX_ENV)
		return -E2BIG;
	o->env[o->nenv++] = kv;
	return 0;
}

static json_t *env_json(const struct iso_session_opts *o)
{
	json_t *env = json_object();

	for (int i = 0; i < o->nenv; i++) {
		const char *eq = strchr(o->env[i], '=');
		char key[256];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - o->env[i]), o->env[i]);
		json_object_set_new(env, key, json_string(eq + 1));
	}
	return env;
}

int iso_session_opt(struct iso_session_opts *o, struct iso_select *sel, int c, const char *arg)
{
	int r;

	if (c == ISO_OPT_SKIP_FILE)
		return iso_select_add_file(sel, arg, o->cmd) < 0 ? ISO_EXIT_USAGE : 0;
	if (c != 'E') {
		if (iso_select_add(sel, c == 'x', arg) < 0)
			return iso_usage_error(o->cmd, "too many --filter/--exclude options");
		return 0;
	}
	r = iso_session_env_add(o, arg);
	if (r == -E2BIG)
		return iso_usage_error(o->cmd, "too many --env options");
	if (r < 0)
		return iso_usage_error(o->cmd, "--env wants KEY=VALUE, not '%s'", arg);
	return 0;
}

/* The run's cgroup below the start cgroup, in every hierarchy; ledger first. */
static void make_cgroup(struct iso_session *s, const struct iso_session_opts *o)
{
	const struct iso_cg_layout *l = s->host.layout;
	char name[64];
	int r;

	snprintf(name, sizeof(name), "isobench-%s%s", s->run.tag, o->cg_suffix ? o->cg_suffix : "");
	if (geteuid() != 0 && !s->host.cg_delegated) {
		/* Rootless and no delegated subtree: make no cgroup, say how to get one. */
		s->cg = NULL;
		s->host.cgroup_usable = false;
		return;
	}
	if (geteuid() != 0) {
		/* Delegated: the v2 hierarchy only (the v1 ones are root's). */
		iso_cg_layout_v2only(l, NULL, &s->v2only);
		s->host.layout = &s->v2only;
		l = &s->v2only;
	}
	for (int i = 0; i < l->nhier; i++) {
		char p[PATH_MAX];

		if (!l->hier[i].self[0] || l->hier[i].name[0])
			continue;
		snprintf(p, sizeof(p), "%s/%s", l->hier[i].self, name);
		iso_ledger_append(s->ledger, "cgroup", p);
	}
	r = iso_cg_create(l, NULL, name, NULL, &s->cg);
	if (r == 0 && geteuid() != 0) {
		/* The run's cgroups get controllers only once isobench has left the start one. */
		r = iso_cg_step_aside(s->cg, "isobench-self", &s->aside, s->host.cgroup_why,
				      sizeof(s->host.cgroup_why));
		if (r < 0) {
			iso_cg_destroy(s->cg);
			s->cg = NULL;
			s->host.cgroup_usable = false;
			fprintf(stderr, "isobench %s: %s; cgroup cases and benchmarks skip\n",
				o->cmd, s->host.cgroup_why);
			return;
		}
	}
	if (r < 0) {
		s->cg = NULL;
		s->host.cgroup_usable = false;
		if (!o->quiet_cgroup || geteuid() == 0)
			fprintf(stderr,
				"isobench %s: cannot create cgroup %s below the start cgroup (%s); "
				"cgroup cases and benchmarks skip\n",
				o->cmd, name, strerror(-r));
	}
}

/* The host's UTS names: a case that changed them reached outside its namespace. */
static void host_uts(char uts[2][65])
{
	struct utsname u;

	if (uname(&u) < 0)
		return;
	snprintf(uts[0], 65, "%s", u.nodename);
	snprintf(uts[1], 65, "%s", u.domainname);
}

/*
 * The kernel modules loaded now, as "\nname\n...\n" (malloc'd; NULL where /sys/module
 * cannot be read). A case that makes a dummy or ifb link on a modular kernel loads its
 * module, and the module's load makes dummy0 or ifb0/ifb1 in the initial netns: a side
 * effect on the host the run records (run.modules_loaded) rather than undoes.
 */
static char *modules_now(void)
{
	DIR *d = opendir("/sys/module");
	struct dirent *e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!d)
		return NULL;
	f = open_memstream(&buf, &len);
	if (f) {
		fputc('\n', f);
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				fprintf(f, "%s\n", e->d_name);
		fclose(f);
	}
	closedir(d);
	return buf;
}

/* The modules that were loaded since the session opened, as "a, b", into the run. */
static void modules_loaded(struct iso_session *s)
{
	_cleanup_free_ char *now = modules_now();
	size_t off = 0;

	if (!s->modules || !now)
		return;
	for (char *p = now + 1, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		char key[128];

		snprintf(key, sizeof(key), "\n%.*s\n", (int)(nl - p), p);
		if (strstr(s->modules, key) || off + (nl - p) + 3 >= sizeof(s->run.modules_loaded))
			continue;
		off += snprintf(s->run.modules_loaded + off, sizeof(s->run.modules_loaded) - off,
				"%s%.*s", off ? ", " : "", (int)(nl - p), p);
	}
	if (off)
		fprintf(stderr,
			"isobench %s: kernel modules loaded during the run (the kernel's doing, "
			"left loaded): %s\n",
			s->cmd, s->run.modules_loaded);
}

int iso_session_open(struct iso_session *s, const struct iso_session_opts *o)
{
	int r;

	memset(s, 0, sizeof(*s));
	host_uts(s->uts);
	s->modules = modules_now();
	s->cmd = o->cmd;
	s->t0 = iso_now_ns();
	iso_env_host(&s->host);
	s->run.rootless = geteuid() != 0;
	iso_random_tag(s->run.tag);
	s->run.argc = o->argc;
	s->run.argv = o->argv;
	s->run.filters = o->sel ? iso_select_json(o->sel, "filters") : json_array();
	s->run.excludes = o->sel ? iso_select_json(o->sel, "excludes") : json_array();
	s->run.environment = env_json(o);
	iso_iso8601_now(s->run.started, sizeof(s->run.started));
	if (o->out)
		snprintf(s->out, sizeof(s->out), "%s", o->out);
	else
		iso_default_out(s->out, sizeof(s->out), o->kind, s->run.tag);
	snprintf(s->path, sizeof(s->path), "%s/results.json", s->out);
	r = iso_mkdir_p(s->out, 0755);
	if (r == 0 && access(s->out, W_OK) < 0)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "isobench %s: cannot use output folder %s: %s\n", o->cmd, s->out,
			strerror(-r));
		return r;
	}
	r = iso_state_create(s->run.tag, s->state, sizeof(s->state));
	if (r < 0) {
		fprintf(stderr, "isobench %s: cannot create run state directory: %s\n", o->cmd,
			strerror(-r));
		return r;
	}
	snprintf(s->ledger, sizeof(s->ledger), "%s/ledger", s->state);
	/* Whatever of the run is reparented (cases that double-fork) comes back to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	make_cgroup(s, o);
	s->run.sysinfo = iso_sysinfo_collect();
	json_object_set_new(s->run.sysinfo, "containment",
			    json_string(s->cg		? "cgroup" :
					s->run.rootless ? "process-group+subreaper" :
							  "process-group"));
	return 0;
}

int iso_session_close(struct iso_session *s)
{
	char left[ISO_REASON_MAX];
	int n, r;

	r = iso_cg_step_back(&s->aside);
	if (s->aside.leaf) {
		/* Still inside the run's cgroup: tearing it down would kill isobench itself. */
		fprintf(stderr,
			"isobench %s: cannot move back into the start cgroup %s (%s); "
			"`isobench cleanup` removes the run's cgroup once this process has exited\n",
			s->cmd, s->aside.start, strerror(-r));
		iso_cg_free(s->cg);
	} else {
		if (r < 0)
			fprintf(stderr, "isobench %s: restoring %s/cgroup.subtree_control: %s\n",
				s->cmd, s->aside.start, strerror(-r));
		if (s->cg)
			iso_cg_destroy(s->cg);
		iso_ledger_teardown(s->ledger, 0, NULL);
		iso_rm_rf(s->state);
	}
	s->cg = NULL;
	n = iso_tag_leftovers(s->run.tag, left, sizeof(left));
	if (n > 0 && access(s->state, F_OK) < 0) {
		/* The state dir marks the tag as a run of isobench: `isobench cleanup` needs it. */
		char dir[PATH_MAX];

		iso_state_create(s->run.tag, dir, sizeof(dir));
	}
	{
		char now[2][65] = { "", "" };
		static const char *const what[] = { "hostname", "domainname" };

		host_uts(now);
		for (int i = 0; i < 2; i++) {
			size_t off = strlen(left);

			if (!strcmp(now[i], s->uts[i]))
				continue;
			snprintf(left + off, sizeof(left) - off,
				 "%sthe host's %s changed from '%s' to '%s'", n++ ? ", " : "",
				 what[i], s->uts[i], now[i]);
		}
	}
	if (n > 0) {
		snprintf(s->run.leftovers, sizeof(s->run.leftovers), "%s", left);
		fprintf(stderr,
			"isobench %s: left behind by run %s: %s (`isobench cleanup` removes them "
			"once this run has exited)\n",
			s->cmd, s->run.tag, left);
	}
	modules_loaded(s);
	if (s->run.foreign.n)
		fprintf(stderr,
			"isobench %s: %d object(s) of other programs appeared on the host during "
			"the run; not isobench's, left alone: %s\n",
			s->cmd, s->run.foreign.n, s->run.foreign.seen);
	s->run.wall_ms = (iso_now_ns() - s->t0) / 1e6;
	s->run.complete = !iso_interrupted;
	if (iso_interrupted)
		snprintf(s->run.interrupted, sizeof(s->run.interrupted), "interrupted by signal");
	iso_iso8601_now(s->run.finished, sizeof(s->run.finished));
	{
		json_t *doc = iso_run_json(&s->run);

		r = iso_json_write_atomic(doc, s->path);
		json_decref(doc);
	}
	if (r < 0) {
		fprintf(stderr, "isobench %s: cannot write %s: %s\n", s->cmd, s->path,
			strerror(-r));
		return r;
	}
	return n > 0 ? -EBUSY : 0;
}

void iso_session_free(struct iso_session *s)
{
	if (s->cg)
		iso_cg_free(s->cg);
	s->cg = NULL;
	free(s->modules);
	s->modules = NULL;
	iso_run_free(&s->run);
}
