// SPDX-License-Identifier: MIT
/*
 * cgroup.cpuset: cpuset.cpus bounds the CPU affinity of the cgroup's tasks, bad
 * CPU and memory-node lists are refused, and a child's effective CPUs follow its
 * parent's. Documentation/admin-guide/cgroup-v2.rst "Cpuset",
 * Documentation/admin-guide/cgroup-v1/cpusets.rst.
 *
 * The cases restrict to the lowest CPU of the case's own cpuset against all of
 * them (CPU 0 vs 0-1 on a 2-CPU host), so they need at least two CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgcpu_util.h"

/* What a case restricts to: all CPUs of the case's cpuset and the lowest of them. */
struct cpus {
	cpu_set_t all;
	char all_str[256];
	int first;
};

/*
 * Reads the case cgroup's effective CPUs. Returns ISO_PASS when there are two or
 * more, else the verdict to return.
 */
static enum iso_verdict cpus_get(struct iso_ctx *ctx, struct cpus *c)
{
	char buf[256];
	ssize_t n = iso_cg_read(iso_ctx_cgroup(ctx), "cpuset.cpus.effective", buf, sizeof(buf));
	int r;

	if (n == -EOPNOTSUPP || n == -ENOENT)
		return iso_skip(ctx,
				"cpuset.cpus.effective is not available (%s): enable the "
				"cpuset controller (v2: +cpuset in cgroup.subtree_control; v1: "
				"mount the cpuset hierarchy)",
				strerror((int)-n));
	if (n < 0)
		return iso_broken(ctx, (int)n, "read cpuset.cpus.effective");
	r = cgcpu_cpulist_parse(buf, &c->all);
	if (r < 0)
		return iso_broken(ctx, r, "parse cpuset.cpus.effective \"%s\"", buf);
	if (r < 2)
		return iso_skip(ctx, "needs 2 CPUs in the case's cpuset (has \"%s\")", buf);
	cgcpu_cpulist_fmt(&c->all, c->all_str, sizeof(c->all_str));
	c->first = cgcpu_first_cpu(&c->all);
	return ISO_PASS;
}

/* Reads a CPU-list knob of cg into set. Returns the number of CPUs or -errno. */
static int read_cpus(const struct iso_cg *cg, const char *knob, cpu_set_t *set, char *buf,
		     size_t len)
{
	ssize_t n = iso_cg_read(cg, knob, buf, len);

	if (n < 0)
		return (int)n;
	return cgcpu_cpulist_parse(buf, set);
}

/*
 * A process in the cgroup and a child it forks report their affinity through
 * a pipe when woken: the member is told by `go` (waiting up to go_ms for it),
 * forks, and both masks come back on `out`.
 */
struct member {
	struct iso_sync go;
	int out[2];
	unsigned int go_ms;
};

static int member_main(void *arg)
{
	struct member *m = arg;
	cpu_set_t sets[2];
	pid_t kid;
	int st;

	close(m->out[0]);
	if (iso_sync_wait(&m->go, m->go_ms) < 0)
		return 1;
	kid = fork();
	if (kid < 0)
		return 2;
	if (kid == 0) {
		if (sched_getaffinity(0, sizeof(sets[1]), &sets[1]) < 0)
			_exit(3);
		_exit(write(m->out[1], &sets[1], sizeof(sets[1])) == sizeof(sets[1]) ? 0 : 4);
	}
	if (waitpid(kid, &st, 0) != kid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 5;
	if (sched_getaffinity(0, sizeof(sets[0]), &sets[0]) < 0)
		return 6;
	return write(m->out[1], &sets[0], sizeof(sets[0])) == sizeof(sets[0]) ? 0 : 7;
}

/*
 * Writing cpuset.cpus of a cgroup that already has a member narrows that member's
 * sched_getaffinity to the new list, and a child it forks afterwards inherits the
 * narrowed mask (cpusets.rst 1.7 "If a cpuset's cpus are modified, each task in
 * that cpuset will have its allowed CPU placement changed immediately";
 * cgroup-v2.rst cpuset.cpus).
 * Control: cpuset.cpus is not written; both masks keep every CPU.
 */
static enum iso_verdict cpus_narrow_members(struct iso_ctx *ctx)
{
	bool restrict_ = !iso_ctx_is_control(ctx);
	struct member m = { .go = { { -1, -1 } },
			    .out = { -1, -1 },
			    .go_ms = iso_ctx_ms(ctx, 10000) };
	struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	cpu_set_t kid, self;
	char ks[256], ss[256];
	struct cpus c;
	enum iso_verdict v = cpus_get(ctx, &c);
	int r, st;

	if (v != ISO_PASS)
		return v;
	r = cgcpu_create(ctx, NULL, "narrow", NULL, &cg);
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	if (iso_sync_init(&m.go) < 0 || pipe2(m.out, O_CLOEXEC) < 0) {
		v = iso_broken(ctx, -errno, "pipe");
		goto out;
	}
	pid = cgcpu_spawn_in(ctx, cg, member_main, &m);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a member in the cgroup");
		goto out;
	}
	close(m.out[1]);
	m.out[1] = -1;
	if (restrict_) {
		r = iso_cg_write(cg, "cpuset.cpus", "%d", c.first);
		if (r < 0) {
			v = iso_broken(ctx, r, "write cpuset.cpus %d", c.first);
			goto out;
		}
	}
	iso_sync_wake(&m.go);
	if (read(m.out[0], &kid, sizeof(kid)) != sizeof(kid) ||
	    read(m.out[0], &self, sizeof(self)) != sizeof(self) ||
	    iso_wait_timeout(pid, &st, iso_ctx_ms(ctx, 5000)) < 0) {
		v = iso_broken(ctx, -EIO, "the member did not report its affinity");
		goto out;
	}
	pid = -1;
	cgcpu_cpulist_fmt(&self, ss, sizeof(ss));
	cgcpu_cpulist_fmt(&kid, ks, sizeof(ks));
	iso_note(ctx, "member_affinity", "%s", ss);
	iso_note(ctx, "forked_child_affinity", "%s", ks);
	if (CPU_COUNT(&self) != 1 || !CPU_ISSET(c.first, &self) || CPU_COUNT(&kid) != 1 ||
	    !CPU_ISSET(c.first, &kid))
		v = iso_fail(
			ctx,
			"after cpuset.cpus %s%d, a member's affinity is %s and its new child's "
			"%s (expected %d for both)",
			restrict_ ? "" : "(not written) would be ", c.first, ss, ks, c.first);
	else
		v = ISO_PASS;
out:
	if (m.out[0] >= 0)
		close(m.out[0]);
	if (m.out[1] >= 0)
		close(m.out[1]);
	iso_sync_close(&m.go);
	iso_cg_free(cg);
	return v;
}

/*
 * A running task with every CPU in its affinity, moved into a cgroup whose
 * cpuset.cpus is one CPU, has only that CPU in sched_getaffinity afterwards
 * (cpusets.rst 1.7 "a task's ... cpus_allowed ... is changed when the task is
 * attached"; cgroup-v2.rst cpuset.cpus).
 * Control: the cgroup keeps every CPU.
 */
static enum iso_verdict cpus_apply_on_migration(struct iso_ctx *ctx)
{
	bool restrict_ = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	cpu_set_t before, after;
	char bs[256], as[256];
	struct cpus c;
	enum iso_verdict v = cpus_get(ctx, &c);
	int r;

	if (v != ISO_PASS)
		return v;
	r = cgcpu_create(ctx, NULL, "one", NULL, &cg);
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	if (restrict_) {
		r = iso_cg_write(cg, "cpuset.cpus", "%d", c.first);
		if (r < 0) {
			v = iso_broken(ctx, r, "write cpuset.cpus %d", c.first);
			goto out;
		}
	}
	pid = cgcpu_spawn_in(ctx, NULL, cgcpu_sleep, NULL);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a task");
		goto out;
	}
	if (sched_getaffinity(pid, sizeof(before), &before) < 0) {
		v = iso_broken(ctx, -errno, "sched_getaffinity before the move");
		goto out;
	}
	r = iso_cg_attach(cg, pid);
	if (r < 0) {
		v = iso_broken(ctx, r, "move the task into the cgroup");
		goto out;
	}
	if (sched_getaffinity(pid, sizeof(after), &after) < 0) {
		v = iso_broken(ctx, -errno, "sched_getaffinity after the move");
		goto out;
	}
	cgcpu_cpulist_fmt(&before, bs, sizeof(bs));
	cgcpu_cpulist_fmt(&after, as, sizeof(as));
	iso_note(ctx, "affinity_before", "%s", bs);
	iso_note(ctx, "affinity_after", "%s", as);
	if (CPU_COUNT(&after) != 1 || !CPU_ISSET(c.first, &after))
		v = iso_fail(ctx,
			     "a task with affinity %s moved into a cgroup with cpuset.cpus %s has "
			     "affinity %s (expected %d)",
			     bs, restrict_ ? "restricted to one CPU" : "unrestricted", as, c.first);
	else
		v = ISO_PASS;
out:
	iso_cg_free(cg);
	return v;
}

/* nr_cpu_ids / nr_node_ids from a "possible" list (0-1 -> 2). Returns > 0 or -errno. */
static int possible_count(const char *path)
{
	char buf[256], *p;
	ssize_t n = iso_read_file(path, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 ? (int)n : -EINVAL;
	p = buf + strlen(buf);
	while (p > buf && (p[-1] >= '0' && p[-1] <= '9'))
		p--;
	return atoi(p) + 1;
}

/*
 * Writing a CPU number >= nr_cpu_ids to cpuset.cpus, or a node >= nr_node_ids to
 * cpuset.mems, is refused and leaves the value as it was (cpusets.rst 2. "Usage
 * Examples": the CPUs must be online; kernel/cgroup/cpuset.c update_cpumask: not
 * a subset of the top cpuset -> EINVAL). A CPU list is parsed into a mask of
 * nr_cpu_ids bits first, and that parser says ERANGE (seen on 6.1, 6.12, 6.18);
 * the node list gives EINVAL. Either errno counts as the refusal and is noted.
 * Control: a valid CPU and node are written; the writes succeed.
 */
static enum iso_verdict bad_lists_refused(struct iso_ctx *ctx)
{
	bool bad = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	char before[256], after[256];
	int ncpu = possible_count("/sys/devices/system/cpu/possible");
	int nnode = possible_count("/sys/devices/system/node/possible");
	enum iso_verdict v = ISO_PASS;
	const char *knob[2] = { "cpuset.cpus", "cpuset.mems" };
	int val[2], r;

	if (ncpu < 0)
		return iso_broken(ctx, ncpu, "read /sys/devices/system/cpu/possible");
	if (nnode < 0) /* no NUMA: node 0 only */
		nnode = 1;
	val[0] = bad ? ncpu : 0;
	val[1] = bad ? nnode : 0;
	r = cgcpu_create(ctx, NULL, "bad", NULL, &cg);
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	if (!bad) {
		/* A valid CPU: the lowest the case may use. */
		cpu_set_t set;

		if (read_cpus(iso_ctx_cgroup(ctx), "cpuset.cpus.effective", &set, before,
			      sizeof(before)) > 0)
			val[0] = cgcpu_first_cpu(&set);
	}
	iso_note(ctx, "nr_cpu_ids", "%d", ncpu);
	iso_note(ctx, "nr_node_ids", "%d", nnode);
	for (int i = 0; i < 2 && v == ISO_PASS; i++) {
		r = (int)iso_cg_read(cg, knob[i], before, sizeof(before));
		if (r == -EOPNOTSUPP || r == -ENOENT) {
			v = iso_skip(ctx, "%s is not available (%s): enable the cpuset controller",
				     knob[i], strerror(-r));
			break;
		}
		if (r < 0) {
			v = iso_broken(ctx, r, "read %s", knob[i]);
			break;
		}
		r = iso_cg_write(cg, knob[i], "%d", val[i]);
		iso_note(ctx, knob[i], "write %d: %s", val[i], r ? strerror(-r) : "accepted");
		if (r == 0) {
			v = iso_fail(ctx, "%s accepted %d (nr_%s_ids is %d)", knob[i], val[i],
				     i ? "node" : "cpu", i ? nnode : ncpu);
			break;
		}
		if (r != -EINVAL && r != -ERANGE) {
			v = iso_fail(ctx, "%s refused %d with %s, expected EINVAL or ERANGE",
				     knob[i], val[i], strerror(-r));
			break;
		}
		if (iso_cg_read(cg, knob[i], after, sizeof(after)) >= 0 && strcmp(before, after))
			v = iso_fail(ctx, "%s changed from \"%s\" to \"%s\" by a refused write",
				     knob[i], before, after);
	}
	iso_cg_free(cg);
	return v;
}

/*
 * A child cpuset's effective CPUs never exceed its parent's: with the parent at
 * one CPU, a child asking for all of them gets only that one in
 * cpuset.cpus.effective (cpuset.effective_cpus on v1, where the request itself is
 * refused with EACCES by cpuset1_validate_change: cpusets.rst 1.3 "a cpuset's
 * CPUs must be a subset of its parent's"). On v2 the child's effective CPUs also
 * follow later changes of the parent: widening the parent widens them, narrowing
 * it narrows them again (cgroup-v2.rst cpuset.cpus.effective).
 * Control: the parent is not narrowed; the child's effective CPUs are all CPUs.
 */
static enum iso_verdict effective_follows_parent(struct iso_ctx *ctx)
{
	bool narrow = !iso_ctx_is_control(ctx);
	struct iso_cg *p = NULL, *ch = NULL;
	cpu_set_t eff;
	char buf[256];
	struct cpus c;
	enum iso_verdict v = cpus_get(ctx, &c);
	int ver = iso_cg_controller_version(iso_ctx_layout(ctx), "cpuset");
	int r;

	if (v != ISO_PASS)
		return v;
	r = cgcpu_create(ctx, NULL, "parent", NULL, &p);
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create the parent cgroup");
	if (narrow) {
		r = iso_cg_write(p, "cpuset.cpus", "%d", c.first);
		if (r < 0) {
			v = iso_broken(ctx, r, "write the parent's cpuset.cpus %d", c.first);
			goto out;
		}
	}
	r = cgcpu_create(ctx, p, "child", NULL, &ch);
	if (r < 0) {
		v = cgcpu_create_failed(ctx, r, "create the child cgroup");
		goto out;
	}
	r = iso_cg_write(ch, "cpuset.cpus", "%s", c.all_str);
	iso_note(ctx, "child_asks_all_cpus", "%s", r ? strerror(-r) : "accepted");
	/* v1 refuses a child's CPUs outside its parent's: EACCES (cpuset1_validate_change). */
	if (ver == 1 && narrow && r == 0) {
		v = iso_fail(ctx, "v1 accepted child cpuset.cpus %s under a parent with %d",
			     c.all_str, c.first);
		goto out;
	}
	if (r < 0 && !(ver == 1 && narrow && (r == -EACCES || r == -EINVAL))) {
		v = iso_fail(ctx, "the child's cpuset.cpus %s was refused (%s) under a parent %s",
			     c.all_str, strerror(-r), narrow ? "narrowed to one CPU" : "with them");
		goto out;
	}
	r = read_cpus(ch, "cpuset.cpus.effective", &eff, buf, sizeof(buf));
	if (r < 0) {
		v = iso_broken(ctx, r, "read the child's effective CPUs");
		goto out;
	}
	iso_note(ctx, "child_effective", "%s", buf);
	if (CPU_COUNT(&eff) != 1 || !CPU_ISSET(c.first, &eff)) {
		v = iso_fail(
			ctx,
			"the child's effective CPUs are \"%s\" under a parent %s (expected %d)",
			buf, narrow ? "narrowed to it" : "left unrestricted", c.first);
		goto out;
	}
	if (ver != 2) {
		iso_note(ctx, "follows_changes", "not checked: v1 effective_cpus equals cpus");
		goto out;
	}
	/* v2: the child's effective set tracks the parent's. */
	r = iso_cg_write(p, "cpuset.cpus", "%s", c.all_str);
	if (r == 0)
		r = read_cpus(ch, "cpuset.cpus.effective", &eff, buf, sizeof(buf));
	if (r < 0) {
		v = iso_broken(ctx, r, "widen the parent again");
		goto out;
	}
	if (!CPU_EQUAL(&eff, &c.all)) {
		v = iso_fail(ctx,
			     "after widening the parent to %s the child's effective CPUs are "
			     "\"%s\"",
			     c.all_str, buf);
		goto out;
	}
	r = iso_cg_write(p, "cpuset.cpus", "%d", c.first);
	if (r == 0)
		r = read_cpus(ch, "cpuset.cpus.effective", &eff, buf, sizeof(buf));
	if (r < 0) {
		v = iso_broken(ctx, r, "narrow the parent again");
		goto out;
	}
	if (CPU_COUNT(&eff) != 1 || !CPU_ISSET(c.first, &eff))
		v = iso_fail(ctx,
			     "after narrowing the parent to %d the child's effective CPUs are "
			     "\"%s\"",
			     c.first, buf);
out:
	iso_cg_free(ch);
	iso_cg_free(p);
	return v;
}

/*
 * v1: with cgroup.clone_children set in a cpuset cgroup, a new child created by
 * mkdir starts with its parent's cpuset.cpus (cpusets.rst 1.4 / cgroups.rst 1.4
 * "clone_children ... cpuset ... copies the parent's configuration"); without it
 * a child starts with an empty cpuset.cpus.
 * Control: cgroup.clone_children is 0; the child's cpuset.cpus is empty.
 */
static enum iso_verdict clone_children_copies_cpus(struct iso_ctx *ctx)
{
	bool clone = !iso_ctx_is_control(ctx);
	struct iso_cg *p = NULL;
	char path[ISO_CG_PATH + 64], want[256], got[256];
	const char *dir;
	enum iso_verdict v = ISO_PASS;
	int r = cgcpu_create(ctx, NULL, "parent", "cpuset", &p);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create the parent cgroup");
	dir = iso_cg_dir(p, "cpuset");
	if (!dir) {
		v = iso_skip(ctx, "no v1 cpuset hierarchy");
		goto out;
	}
	r = (int)iso_cg_read(p, "cpuset.cpus", want, sizeof(want));
	if (r < 0 || !want[0]) {
		v = iso_broken(ctx, r < 0 ? r : -ENODATA, "read the parent's cpuset.cpus");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/cgroup.clone_children", dir);
	r = iso_write_file(path, "%d", clone ? 1 : 0);
	if (r < 0) {
		v = iso_broken(ctx, r, "write %s", path);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/child", dir);
	if (mkdir(path, 0755) < 0) {
		v = iso_broken(ctx, -errno, "mkdir %s", path);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/child/cpuset.cpus", dir);
	r = (int)iso_read_file(path, got, sizeof(got));
	if (r < 0)
		v = iso_broken(ctx, r, "read %s", path);
	else if (strcmp(got, want))
		v = iso_fail(ctx,
			     "a child made with clone_children=%d has cpuset.cpus \"%s\", the "
			     "parent \"%s\"",
			     clone ? 1 : 0, got, want);
	iso_note(ctx, "child_cpus", "%s", got);
	snprintf(path, sizeof(path), "%s/child", dir);
	rmdir(path);
out:
	iso_cg_free(p);
	return v;
}

static const struct iso_case cases[] = {
	ISO_CASE(cpus_narrow_members,
		 .doc = "writing cpuset.cpus narrows the affinity of members and of children they "
			"fork (cpusets.rst 1.7, cgroup-v2.rst cpuset.cpus)",
		 .timeout_ms = 10000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "cpuset" }),
	ISO_CASE(cpus_apply_on_migration,
		 .doc = "a task moved into a cpuset gets its cpuset.cpus as affinity (cpusets.rst "
			"1.7, cgroup-v2.rst cpuset.cpus)",
		 .timeout_ms = 10000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "cpuset" }),
	ISO_CASE(bad_lists_refused,
		 .doc = "cpuset.cpus >= nr_cpu_ids and cpuset.mems >= nr_node_ids are refused "
			"(EINVAL/ERANGE) and change nothing (cpusets.rst, kernel/cgroup/cpuset.c)",
		 .timeout_ms = 10000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "cpuset" }),
	ISO_CASE(effective_follows_parent,
		 .doc = "a child's cpuset.cpus.effective stays within its parent's and follows it "
			"on v2 (cgroup-v2.rst cpuset.cpus.effective, cpusets.rst 1.3)",
		 .timeout_ms = 10000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "cpuset" }),
	ISO_CASE(clone_children_copies_cpus,
		 .doc = "v1 cgroup.clone_children makes a new cpuset child start with its parent's "
			"cpuset.cpus (cgroup-v1/cgroups.rst 1.4, cpusets.rst)",
		 .timeout_ms = 10000, .req = { .root = true, .controllers = "cpuset@v1" }),
};

const struct iso_suite iso_suite_cgroup_cpuset = ISO_SUITE("cgroup.cpuset", cases);
