// SPDX-License-Identifier: MIT
/*
 * Dropped privileges, as a container runtime applies them before it execs the
 * container's process: the capability bounding and ambient sets across
 * execve, no_new_privs, a seccomp filter, and capabilities that once dropped
 * stay dropped (capabilities(7), prctl(2), seccomp(2), capset(2),
 * Documentation/userspace-api/no_new_privs.rst).
 *
 * Each case changes credentials in a forked child of the case process, never
 * in the case process itself. What the kernel gives a program after execve is
 * read from the program's own /proc/self/status: the child execs
 * /bin/sh -c 'grep ... /proc/self/status' and parses what it prints.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "ctr/ctr.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#endif

/* Runs /bin/sh -c 'grep ... /proc/self/status' and captures the lines. Returns 0 or -errno. */
static int status_after_exec(struct iso_ctx *ctx, char *out, size_t len)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "grep -E '^(Uid|Cap|NoNewPrivs|Seccomp)' /proc/self/status", NULL
	};
	struct ctr_exec ex = { .argv = argv, .fd = -1, .timeout_ms = iso_ctx_ms(ctx, 5000) };
	int st = 0, r = ctr_run(&ex, out, len, &st);

	if (r < 0)
		return r;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

/* Reads the sets named in keys from status text; a missing one is broken. */
static enum iso_verdict caps_of(struct iso_ctx *ctx, const char *text, const char *key, uint64_t *v)
{
	int r = ctr_status_hex(text, key, v);

	if (r < 0)
		return iso_broken(ctx, r, "no %s line in the exec'd program's status", key);
	iso_note(ctx, key, "%016llx", (unsigned long long)*v);
	return ISO_PASS;
}

/* ---- the bounding set ---- */

static enum iso_verdict capbset_child(struct iso_ctx *ctx, void *p)
{
	bool drop = *(bool *)p;
	static const char *const keys[] = { "CapBnd", "CapPrm", "CapEff" };
	struct ctr_caps c;
	char out[2048];
	uint64_t v;
	int r;

	if (drop && prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) < 0)
		return iso_broken(ctx, -errno, "prctl(PR_CAPBSET_DROP, CAP_NET_RAW)");
	r = ctr_capget(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capget");
	if (!(c.prm & CTR_CAP(CAP_NET_RAW)))
		return iso_fail(ctx, "dropping CAP_NET_RAW from the bounding set removed it from "
				     "the permitted set before any execve");
	r = status_after_exec(ctx, out, sizeof(out));
	if (r < 0)
		return iso_broken(ctx, r, "run sh -c grep ... /proc/self/status (%s)", out);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(keys); i++) {
		enum iso_verdict e = caps_of(ctx, out, keys[i], &v);

		if (e != ISO_PASS)
			return e;
		if (i == 1 && !(v & CTR_CAP(CAP_SYS_ADMIN)))
			return iso_broken(ctx, 0,
					  "the exec'd program is not privileged (CapPrm %llx)",
					  (unsigned long long)v);
		if (v & CTR_CAP(CAP_NET_RAW))
			return iso_fail(ctx, "after execve as root %s still holds CAP_NET_RAW",
					keys[i]);
	}
	return ISO_PASS;
}

/*
 * A capability dropped from the bounding set (PR_CAPBSET_DROP) stays in the
 * permitted set until execve, and execve, even of a root program, cannot give
 * it back: the bounding set limits what execve grants (capabilities(7)
 * "Capability bounding set", "Transformation of capabilities during
 * execve()"). Control: no drop.
 */
static enum iso_verdict capbset_drop_limits_execve(struct iso_ctx *ctx)
{
	bool drop = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, capbset_child, &drop, iso_ctx_ms(ctx, 8000));
}

/* ---- the ambient set ---- */

static enum iso_verdict ambient_child(struct iso_ctx *ctx, void *p)
{
	bool raise = *(bool *)p;
	const uint64_t nbs = CTR_CAP(CAP_NET_BIND_SERVICE);
	struct ctr_caps c = { .eff = nbs, .prm = nbs, .inh = nbs };
	static const char *const keys[] = { "CapPrm", "CapEff", "CapAmb" };
	char out[2048];
	uint64_t v;
	int r;

	/* Keep the permitted set across the uid change, then narrow it to one capability. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return iso_broken(ctx, -errno, "PR_SET_KEEPCAPS");
	r = ctr_become_nobody();
	if (r < 0)
		return iso_broken(ctx, r, "become uid 65534");
	r = ctr_capset(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capset to CAP_NET_BIND_SERVICE only");
	if (raise && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0) < 0) {
		if (errno == EINVAL)
			return iso_skip(ctx, "no ambient capabilities (PR_CAP_AMBIENT: EINVAL; "
					     "Linux 4.3+)");
		return iso_broken(ctx, -errno, "PR_CAP_AMBIENT_RAISE CAP_NET_BIND_SERVICE");
	}
	r = status_after_exec(ctx, out, sizeof(out));
	if (r < 0)
		return iso_broken(ctx, r, "run sh -c grep ... /proc/self/status (%s)", out);
	if (ctr_status_euid(out) != 65534)
		return iso_broken(ctx, 0, "the exec'd program does not run as uid 65534");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(keys); i++) {
		enum iso_verdict e = caps_of(ctx, out, keys[i], &v);

		if (e != ISO_PASS)
			return e;
		if (!(v & nbs))
			return iso_fail(ctx,
					"after execve as uid 65534 %s lacks "
					"CAP_NET_BIND_SERVICE",
					keys[i]);
	}
	return ISO_PASS;
}

/*
 * A capability in the ambient set is kept across execve of an unprivileged
 * program by a non-root user: it lands in the new permitted and effective sets
 * (capabilities(7) "Ambient capability set": P'(permitted) = ... | P'(ambient),
 * P'(effective) = P'(ambient)). Control: the capability is permitted and
 * inheritable but not raised in the ambient set, so execve drops it.
 */
static enum iso_verdict ambient_cap_survives_execve_as_nonroot(struct iso_ctx *ctx)
{
	bool raise = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, ambient_child, &raise, iso_ctx_ms(ctx, 8000));
}

/* Returns 0 or -errno of PR_CAP_AMBIENT_RAISE. */
static int ambient_raise(int cap)
{
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 ? -errno : 0;
}

static enum iso_verdict ambient_rule_child(struct iso_ctx *ctx, void *p)
{
	bool restrict_sets = *(bool *)p;
	struct ctr_caps c;
	int r;

	r = ctr_capget(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capget");
	/* CAP_SYS_TIME: permitted, not inheritable. CAP_NET_RAW: inheritable, not permitted. */
	c.inh = CTR_CAP(CAP_NET_BIND_SERVICE) | CTR_CAP(CAP_NET_RAW);
	if (restrict_sets) {
		c.prm &= ~CTR_CAP(CAP_NET_RAW);
		c.eff &= ~CTR_CAP(CAP_NET_RAW);
	} else {
		c.inh |= CTR_CAP(CAP_SYS_TIME);
	}
	r = ctr_capset(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capset");
	r = ambient_raise(CAP_NET_BIND_SERVICE);
	if (r == -EINVAL)
		return iso_skip(ctx,
				"no ambient capabilities (PR_CAP_AMBIENT: EINVAL; Linux 4.3+)");
	if (r < 0)
		return iso_broken(ctx, r, "raise CAP_NET_BIND_SERVICE (permitted and inheritable)");
	r = ambient_raise(CAP_SYS_TIME);
	iso_note(ctx, "raise_not_inheritable", "%s", r ? strerror(-r) : "ok");
	if (r != -EPERM)
		return iso_fail(ctx,
				"raising CAP_SYS_TIME (permitted, %sinheritable) in the ambient "
				"set gave %s, not EPERM",
				restrict_sets ? "not " : "", r ? strerror(-r) : "success");
	r = ambient_raise(CAP_NET_RAW);
	iso_note(ctx, "raise_not_permitted", "%s", r ? strerror(-r) : "ok");
	if (r != -EPERM)
		return iso_fail(ctx,
				"raising CAP_NET_RAW (inheritable, not permitted) in the ambient "
				"set gave %s, not EPERM",
				r ? strerror(-r) : "success");
	return ISO_PASS;
}

/*
 * PR_CAP_AMBIENT_RAISE fails with EPERM unless the capability is in both the
 * permitted and the inheritable set (prctl(2) PR_CAP_AMBIENT_RAISE,
 * capabilities(7)). Control: the capabilities raised are in both sets.
 */
static enum iso_verdict ambient_raise_needs_permitted_and_inheritable(struct iso_ctx *ctx)
{
	bool restrict_sets = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, ambient_rule_child, &restrict_sets, iso_ctx_ms(ctx, 5000));
}

/* ---- no_new_privs ---- */

static enum iso_verdict nnp_exec_child(struct iso_ctx *ctx, void *p)
{
	bool nnp = *(bool *)p;
	char out[2048], v[16];
	int r;

	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return iso_broken(ctx, -errno, "PR_SET_NO_NEW_PRIVS");
	if (nnp)
		iso_note(ctx, "unset_attempt", "%s",
			 prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) < 0 ? strerror(errno) : "accepted");
	r = status_after_exec(ctx, out, sizeof(out));
	if (r < 0)
		return iso_broken(ctx, r, "run sh -c grep ... /proc/self/status (%s)", out);
	if (ctr_status_field(out, "NoNewPrivs", v, sizeof(v)) < 0)
		return iso_skip(ctx, "/proc/PID/status has no NoNewPrivs line (Linux 4.10+)");
	if (strcmp(v, "1"))
		return iso_fail(
			ctx, "the program exec'd (twice: sh, then grep) shows NoNewPrivs: %s", v);
	return ISO_PASS;
}

/*
 * no_new_privs, once set, is inherited across fork and preserved across
 * execve and cannot be unset (prctl(2) PR_SET_NO_NEW_PRIVS, no_new_privs.rst):
 * a program exec'd through sh shows NoNewPrivs: 1. Control: not set.
 */
static enum iso_verdict no_new_privs_survives_execve(struct iso_ctx *ctx)
{
	bool nnp = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, nnp_exec_child, &nnp, iso_ctx_ms(ctx, 8000));
}

/*
 * With no_new_privs set, execve of a set-user-ID-root program does not change
 * the effective uid (no_new_privs.rst: "execve promises not to grant the
 * privilege to do anything that could not have been done without the execve
 * call"). A setuid-root copy of cat on a tmpfs (no nosuid) is run by nobody
 * and prints its own auxv and status: AT_SECURE 0 and euid 65534. Control: no
 * no_new_privs (AT_SECURE 1, euid 0).
 */
static enum iso_verdict no_new_privs_blocks_setuid_gain(struct iso_ctx *ctx)
{
	bool nnp = !iso_ctx_is_control(ctx);

	return ctr_setuid_unprivileged(ctx, 0, nnp,
				       nnp ? "with no_new_privs" : "without no_new_privs");
}

/* ---- seccomp ---- */

#if defined(__x86_64__)
#define CTR_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CTR_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define CTR_AUDIT_ARCH 0 /* no arch check: the syscall number alone */
#endif

/*
 * Installs a filter: uname(2) of the native architecture fails with EPERM,
 * everything else is allowed. Returns 0 or -errno.
 */
static int install_uname_filter(void)
{
	struct sock_filter f[] = {
		/* Another architecture's syscall numbers mean other calls: let them through. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CTR_AUDIT_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/* Where the architecture is unknown here, the number alone is checked. */
	unsigned short skip = CTR_AUDIT_ARCH ? 0 : 2;
	struct sock_fprog prog = { .len = (unsigned short)(ISO_ARRAY_SIZE(f) - skip),
				   .filter = f + skip };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	/* Before Linux 3.17 only prctl knows filters. */
	if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
		return 0;
	return -errno;
}

/* 0 if uname(2) fails with EPERM here, else the errno it gave (or -1 for success). */
static int uname_blocked(void)
{
	struct utsname u;

	if (syscall(SYS_uname, &u) == 0)
		return -1;
	return errno == EPERM ? 0 : errno;
}

static int uname_in_child(void *arg)
{
	(void)arg;
	return uname_blocked() == 0 ? 0 : 1;
}

static enum iso_verdict seccomp_child(struct iso_ctx *ctx, void *p)
{
	bool filter = *(bool *)p;
	static const char *const uname_argv[] = { "/bin/uname", "-n", NULL };
	struct ctr_exec ex = { .argv = uname_argv, .fd = -1, .timeout_ms = iso_ctx_ms(ctx, 5000) };
	char out[2048], v[16];
	int r, st = 0;
	pid_t pid;

	if (filter && (r = install_uname_filter()) < 0) {
		if (r == -EINVAL || r == -ENOSYS)
			return iso_skip(ctx, "no seccomp filter mode (CONFIG_SECCOMP_FILTER): %s",
					strerror(-r));
		return iso_broken(ctx, r, "install the seccomp filter");
	}
	r = uname_blocked();
	if (r)
		return iso_fail(ctx, "uname(2) in the filtered process %s",
				r < 0 ? "succeeded" : strerror(r));
	pid = iso_spawn(0, uname_in_child, NULL);
	if (pid < 0)
		return iso_broken(ctx, pid, "fork");
	if (iso_wait_timeout(pid, &st, iso_ctx_ms(ctx, 5000)) < 0) {
		iso_kill_wait(pid);
		return iso_broken(ctx, -ETIMEDOUT, "wait for the forked child");
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return iso_fail(ctx, "uname(2) in a forked child was not refused with EPERM");
	r = ctr_run(&ex, out, sizeof(out), &st);
	if (r < 0)
		return iso_broken(ctx, r, "run /bin/uname");
	/*
	 * The exec'd program must not learn the node name: coreutils' uname exits 1
	 * with EPERM; busybox's ignores the error and prints an empty name. Either
	 * way no name comes out; without the filter (the control) it does.
	 */
	out[strcspn(out, "\n")] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && out[0])
		return iso_fail(ctx, "/bin/uname run after execve printed the node name (%s)", out);
	iso_note(ctx, "uname_after_execve", "%s", out);
	r = status_after_exec(ctx, out, sizeof(out));
	if (r < 0)
		return iso_broken(ctx, r, "run sh -c grep ... /proc/self/status (%s)", out);
	if (ctr_status_field(out, "Seccomp", v, sizeof(v)) == 0) {
		iso_note(ctx, "Seccomp", "%s", v);
		if (strcmp(v, "2"))
			return iso_fail(ctx, "the exec'd program shows Seccomp: %s, not 2 (filter)",
					v);
	}
	return ISO_PASS;
}

/*
 * A seccomp filter (raw classic BPF) returning SECCOMP_RET_ERRNO makes the
 * filtered syscall fail with that errno without running it, and the filter
 * is inherited by children across fork and preserved across execve
 * (seccomp(2) SECCOMP_SET_MODE_FILTER, SECCOMP_RET_ERRNO; "Seccomp: 2" in
 * proc(5)). The filter refuses uname(2) with EPERM. Control: no filter.
 */
static enum iso_verdict seccomp_errno_filter_inherited_across_fork_and_execve(struct iso_ctx *ctx)
{
	bool filter = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, seccomp_child, &filter, iso_ctx_ms(ctx, 8000));
}

/* ---- dropped capabilities stay dropped ---- */

static enum iso_verdict regain_child(struct iso_ctx *ctx, void *p)
{
	bool from_permitted = *(bool *)p;
	const uint64_t raw = CTR_CAP(CAP_NET_RAW);
	struct ctr_caps c;
	int r, fd;

	r = ctr_capget(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capget");
	c.eff &= ~raw;
	c.inh &= ~raw;
	if (from_permitted)
		c.prm &= ~raw;
	r = ctr_capset(&c);
	if (r < 0)
		return iso_broken(ctx, r, "capset without CAP_NET_RAW");
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd >= 0) {
		close(fd);
		return iso_broken(ctx, 0, "a raw socket opened without CAP_NET_RAW in effect");
	}
	c.eff |= raw;
	r = ctr_capset(&c);
	iso_note(ctx, "raise_effective", "%s", r ? strerror(-r) : "ok");
	if (r == 0)
		return iso_fail(ctx, "CAP_NET_RAW came back into the effective set");
	if (r != -EPERM)
		return iso_fail(ctx, "raising CAP_NET_RAW failed with %s, not EPERM", strerror(-r));
	c.eff &= ~raw;
	c.prm |= raw;
	r = ctr_capset(&c);
	iso_note(ctx, "raise_permitted", "%s", r ? strerror(-r) : "ok");
	if (r != -EPERM)
		return iso_fail(ctx, "raising CAP_NET_RAW in the permitted set gave %s, not EPERM",
				r ? strerror(-r) : "success");
	return ISO_PASS;
}

/*
 * A capability dropped from the permitted set cannot be regained in the same
 * user namespace: capset(2) refuses with EPERM to add it to the effective
 * set (which must stay a subset of the permitted set) or to the permitted set
 * (which can only shrink) (capset(2) ERRORS, capabilities(7) "Programmatically
 * adjusting capability sets"). Control: dropped from the effective set only,
 * from where it can be raised again.
 */
static enum iso_verdict dropped_cap_cannot_be_regained(struct iso_ctx *ctx)
{
	bool from_permitted = !iso_ctx_is_control(ctx);

	return ctr_in_child(ctx, 0, regain_child, &from_permitted, iso_ctx_ms(ctx, 5000));
}

#define REQ(k, files_)                                                                   \
	{                                                                                \
		.root = true, .userns_ok = true, .kernel = k, .files = "/bin/sh " files_ \
	}
#define REQ_ROOT(k, files_, what)                                                         \
	{                                                                                 \
		.root = true, .kernel = k, .files = "/bin/sh " files_, .root_for = (what) \
	}

static const struct iso_case cases[] = {
	ISO_CASE(capbset_drop_limits_execve,
		 .doc = "a capability dropped from the bounding set is not granted by execve, even to root "
			"(capabilities(7))",
		 .timeout_ms = 10000, .req = REQ(NULL, "/proc/sys/kernel/cap_last_cap")),
	ISO_CASE(ambient_cap_survives_execve_as_nonroot,
		 .doc = "an ambient capability survives execve of an unprivileged program by a non-root "
			"user (capabilities(7))",
		 .timeout_ms = 10000,
		 .req = REQ_ROOT(
			 "4.3", "",
			 "setuid(2) to uid 65534, which a one-uid user namespace does not map")),
	ISO_CASE(ambient_raise_needs_permitted_and_inheritable,
		 .doc = "PR_CAP_AMBIENT_RAISE fails with EPERM unless the capability is permitted and "
			"inheritable (prctl(2))",
		 .timeout_ms = 10000, .req = REQ("4.3", "")),
	ISO_CASE(no_new_privs_survives_execve,
		 .doc = "no_new_privs is kept across fork and execve and cannot be unset (prctl(2), "
			"no_new_privs.rst)",
		 .timeout_ms = 10000, .req = REQ("3.5", "")),
	ISO_CASE(
		no_new_privs_blocks_setuid_gain,
		.doc = "with no_new_privs a setuid-root program keeps the caller's euid (no_new_privs.rst)",
		.timeout_ms = 10000,
		.req = REQ_ROOT(
			"3.5", "/bin/cat",
			"a setuid-root binary run by uid 65534 (unmapped in a one-uid user namespace)")),
	ISO_CASE(seccomp_errno_filter_inherited_across_fork_and_execve,
		 .doc = "a seccomp filter returning an errno is enforced and inherited across fork and "
			"execve (seccomp(2))",
		 .timeout_ms = 10000, .req = REQ("3.5", "/bin/uname")),
	ISO_CASE(dropped_cap_cannot_be_regained,
		 .doc = "a capability dropped from the permitted set cannot be regained with capset: EPERM "
			"(capset(2))",
		 .timeout_ms = 10000, .req = REQ(NULL, "")),
};

const struct iso_suite iso_suite_privileges = ISO_SUITE("privileges", cases);
