// SPDX-License-Identifier: MIT
/*
 * UTS namespaces (uts_namespaces(7)): the hostname and NIS domain name are per
 * namespace.
 *
 * Every case first moves the case process into a scratch UTS namespace of its
 * own ("the parent" below), so that neither a case nor its negative control
 * ever touches the host's names. A child A then sets its names, either in a new
 * UTS namespace (the case) or in the parent's (the control).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "iso.h"
#include "nsgeneric/nsm.h"

struct uts_names {
	char host[65];
	char domain[65];
};

/* What the processes of one case saw, filled by the children through shared memory. */
struct uts_seen {
	struct uts_names want_a; /* the names A sets */
	struct uts_names a; /* what A read back */
	struct uts_names sibling; /* what B, a new UTS namespace created afterwards, starts with */
	unsigned int linger_ms; /* how long A waits for the parent */
};

/* Returns 0 or -errno. */
static int read_names(struct uts_names *n)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	snprintf(n->host, sizeof(n->host), "%s", u.nodename);
	snprintf(n->domain, sizeof(n->domain), "%s", u.domainname);
	return 0;
}

/* Returns 0 or -errno. */
static int set_names(const struct uts_names *n)
{
	if (sethostname(n->host, strlen(n->host)) < 0)
		return -errno;
	if (setdomainname(n->domain, strlen(n->domain)) < 0)
		return -errno;
	return 0;
}

/* Child A: sets its names, reports, then stays until the parent is done with it. */
static int child_a(struct nsm_proc *self, void *arg)
{
	struct uts_seen *s = arg;
	int r = set_names(&s->want_a), v;

	if (r == 0)
		r = read_names(&s->a);
	nsm_send(self, r);
	nsm_recv(self, &v, s->linger_ms);
	return 0;
}

/* Child B: a UTS namespace created after A's change, from the parent. */
static int child_b(void *arg)
{
	struct uts_seen *s = arg;

	return read_names(&s->sibling) < 0 ? 1 : 0;
}

enum uts_check { UTS_HOST, UTS_DOMAIN, UTS_BOTH };

static bool names_eq(const struct uts_names *a, const struct uts_names *b, enum uts_check what)
{
	if (what == UTS_HOST)
		return !strcmp(a->host, b->host);
	if (what == UTS_DOMAIN)
		return !strcmp(a->domain, b->domain);
	return !strcmp(a->host, b->host) && !strcmp(a->domain, b->domain);
}

static const char *shown(const struct uts_names *n, enum uts_check what)
{
	return what == UTS_DOMAIN ? n->domain : n->host;
}

/* The fixture of every case: the scratch parent, child A, and what they saw. */
struct uts_fix {
	struct uts_names mine; /* the parent's names */
	struct uts_names now; /* what the parent reads after A set its names */
	struct uts_seen *s;
	struct nsm_proc a;
	unsigned int ms; /* budget of each wait for a child */
};

/* Stops child A and frees the shared memory; for _cleanup_uts_fix_. */
static void uts_fix_end(struct uts_fix *f)
{
	nsm_proc_stop(&f->a);
	if (f->s)
		iso_shared_free(f->s);
}
#define _cleanup_uts_fix_ __attribute__((cleanup(uts_fix_end)))
#define UTS_FIX_INIT               \
	{                          \
		.a = NSM_PROC_INIT \
	}

/*
 * Moves the case process into a scratch UTS namespace with names of its own (the
 * parent), starts child A, which sets its names in a new UTS namespace or, as the
 * negative control, in the parent's, checks that A reads them back, and notes the
 * parent's names afterwards. Returns ISO_PASS or the verdict to return.
 */
static enum iso_verdict uts_fix_start(struct iso_ctx *ctx, struct uts_fix *f)
{
	unsigned long flags = iso_ctx_is_control(ctx) ? 0 : CLONE_NEWUTS;
	const char *tag = iso_ctx_tag(ctx);
	int r, res;

	f->ms = iso_ctx_ms(ctx, 3000);
	if (unshare(CLONE_NEWUTS) < 0)
		return iso_broken(ctx, -errno,
				  "unshare(CLONE_NEWUTS) for the case's scratch parent");
	snprintf(f->mine.host, sizeof(f->mine.host), "isb%sparent", tag);
	snprintf(f->mine.domain, sizeof(f->mine.domain), "isb%sparent.dom", tag);
	r = set_names(&f->mine);
	if (r < 0)
		return iso_broken(ctx, r, "set the parent's names");
	f->s = iso_shared_alloc(sizeof(*f->s));
	if (!f->s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	f->s->linger_ms = iso_ctx_ms(ctx, 10000);
	snprintf(f->s->want_a.host, sizeof(f->s->want_a.host), "isb%schild", tag);
	snprintf(f->s->want_a.domain, sizeof(f->s->want_a.domain), "isb%schild.dom", tag);

	r = nsm_proc_start(&f->a, flags, child_a, f->s);
	if (r < 0)
		return iso_broken(ctx, r, "clone child A");
	r = nsm_recv(&f->a, &res, f->ms);
	if (r < 0 || res < 0)
		return iso_broken(ctx, r < 0 ? r : res, "child A sets its names");
	if (!names_eq(&f->s->a, &f->s->want_a, UTS_BOTH))
		return iso_fail(ctx, "child A set %s/%s but reads %s/%s", f->s->want_a.host,
				f->s->want_a.domain, f->s->a.host, f->s->a.domain);
	r = read_names(&f->now);
	if (r < 0)
		return iso_broken(ctx, r, "uname in the parent");
	iso_note(ctx, "parent_after_child_set", "%s/%s", f->now.host, f->now.domain);
	return ISO_PASS;
}

/*
 * hostname_private_to_namespace, domainname_private_to_namespace (the variant names
 * which): sethostname(2) or setdomainname(2) in a new UTS namespace changes that name
 * of that namespace only: the parent and a sibling namespace created afterwards
 * (which starts as a copy of the parent's) keep the parent's (uts_namespaces(7)).
 * Control: the child stays in the parent's namespace.
 */
static enum iso_verdict name_private(struct iso_ctx *ctx)
{
	enum uts_check what = *(const enum uts_check *)iso_ctx_arg(ctx);
	_cleanup_uts_fix_ struct uts_fix f = UTS_FIX_INIT;
	enum iso_verdict v = uts_fix_start(ctx, &f);
	int r;

	if (v != ISO_PASS)
		return v;
	if (!names_eq(&f.now, &f.mine, what))
		return iso_fail(ctx, "the child's change reached the parent: it reads %s, not %s",
				shown(&f.now, what), shown(&f.mine, what));
	r = nsm_call(CLONE_NEWUTS, child_b, f.s, f.ms);
	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "sibling B reads its names");
	iso_note(ctx, "sibling", "%s/%s", f.s->sibling.host, f.s->sibling.domain);
	if (!names_eq(&f.s->sibling, &f.mine, what))
		return iso_fail(ctx,
				"a sibling namespace created after the child's change starts "
				"with %s, not the parent's %s",
				shown(&f.s->sibling, what), shown(&f.mine, what));
	return ISO_PASS;
}

/*
 * setns(2) into another process's UTS namespace shows that namespace's names; setns
 * back through a saved fd of the original namespace restores the original view
 * (setns(2), uts_namespaces(7)). Control: the child changed the names in the
 * parent's own namespace, so "back" shows the child's.
 */
static enum iso_verdict setns_switches_view(struct iso_ctx *ctx)
{
	_cleanup_uts_fix_ struct uts_fix f = UTS_FIX_INIT;
	enum iso_verdict v = uts_fix_start(ctx, &f);
	_cleanup_close_ int self_fd = -1, a_fd = -1;
	struct uts_names joined, back;

	if (v != ISO_PASS)
		return v;
	self_fd = nsm_ns_open(0, "uts");
	a_fd = nsm_ns_open(f.a.pid, "uts");
	if (self_fd < 0 || a_fd < 0)
		return iso_broken(ctx, self_fd < 0 ? self_fd : a_fd, "open the namespace files");
	if (setns(a_fd, CLONE_NEWUTS) < 0)
		return iso_broken(ctx, -errno, "setns into child A's UTS namespace");
	read_names(&joined);
	if (setns(self_fd, CLONE_NEWUTS) < 0)
		return iso_broken(ctx, -errno, "setns back into the parent's UTS namespace");
	read_names(&back);
	iso_note(ctx, "after_setns_to_child", "%s/%s", joined.host, joined.domain);
	iso_note(ctx, "after_setns_back", "%s/%s", back.host, back.domain);
	if (!names_eq(&joined, &f.s->want_a, UTS_BOTH))
		return iso_fail(ctx, "after setns into the child's namespace the names are %s/%s",
				joined.host, joined.domain);
	if (!names_eq(&back, &f.mine, UTS_BOTH))
		return iso_fail(ctx, "after setns back the names are %s/%s, not the parent's %s/%s",
				back.host, back.domain, f.mine.host, f.mine.domain);
	return ISO_PASS;
}

#define UTS_REQ                                                     \
	{                                                           \
		.root = true, .userns_ok = true, .ns = CLONE_NEWUTS \
	}

static const struct iso_case cases[] = {
	ISO_VARIANT(hostname_private_to_namespace, name_private, ISO_ARG(enum uts_check, UTS_HOST),
		    .doc = "sethostname in a new UTS ns leaves the parent and a sibling ns "
			   "unchanged (uts_namespaces(7))",
		    .timeout_ms = 5000, .req = UTS_REQ),
	ISO_VARIANT(domainname_private_to_namespace, name_private,
		    ISO_ARG(enum uts_check, UTS_DOMAIN),
		    .doc = "setdomainname in a new UTS ns leaves the parent and a sibling ns "
			   "unchanged (uts_namespaces(7))",
		    .timeout_ms = 5000, .req = UTS_REQ),
	ISO_CASE(setns_switches_view,
		 .doc = "setns into a UTS ns shows its names, setns back restores the original "
			"view (setns(2))",
		 .timeout_ms = 5000, .req = UTS_REQ),
};

const struct iso_suite iso_suite_utsns = ISO_SUITE("utsns", cases);
