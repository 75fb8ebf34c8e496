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

enum uts_check { UTS_HOST, UTS_DOMAIN, UTS_SETNS };

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

/*
 * One body for the three cases (the variant says which names it checks): child A
 * sets its names in a new UTS namespace, or, as the negative control, in the
 * parent's own.
 */
static enum iso_verdict uts_case(struct iso_ctx *ctx)
{
	enum uts_check what = *(const enum uts_check *)iso_ctx_arg(ctx);
	bool isolate = !iso_ctx_is_control(ctx);
	const char *tag = iso_ctx_tag(ctx);
	unsigned int ms = iso_ctx_ms(ctx, 3000);
	_cleanup_nsm_proc_ struct nsm_proc a = NSM_PROC_INIT;
	_cleanup_close_ int self_fd = -1, a_fd = -1;
	struct uts_names mine, now, joined;
	struct uts_seen *s;
	enum iso_verdict v = ISO_PASS;
	int r, res;

	if (unshare(CLONE_NEWUTS) < 0)
		return iso_broken(ctx, -errno,
				  "unshare(CLONE_NEWUTS) for the case's scratch parent");
	snprintf(mine.host, sizeof(mine.host), "isb%sparent", tag);
	snprintf(mine.domain, sizeof(mine.domain), "isb%sparent.dom", tag);
	r = set_names(&mine);
	if (r < 0)
		return iso_broken(ctx, r, "set the parent's names");
	s = nsm_shared_alloc(sizeof(*s));
	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	s->linger_ms = iso_ctx_ms(ctx, 10000);
	snprintf(s->want_a.host, sizeof(s->want_a.host), "isb%schild", tag);
	snprintf(s->want_a.domain, sizeof(s->want_a.domain), "isb%schild.dom", tag);

	r = nsm_proc_start(&a, isolate ? CLONE_NEWUTS : 0, child_a, s);
	if (r < 0) {
		v = iso_broken(ctx, r, "clone child A");
		goto out;
	}
	r = nsm_recv(&a, &res, ms);
	if (r < 0 || res < 0) {
		v = iso_broken(ctx, r < 0 ? r : res, "child A sets its names");
		goto out;
	}
	if (!names_eq(&s->a, &s->want_a, UTS_SETNS)) {
		v = iso_fail(ctx, "child A set %s/%s but reads %s/%s", s->want_a.host,
			     s->want_a.domain, s->a.host, s->a.domain);
		goto out;
	}
	r = read_names(&now);
	if (r < 0) {
		v = iso_broken(ctx, r, "uname in the parent");
		goto out;
	}
	iso_note(ctx, "parent_after_child_set", "%s/%s", now.host, now.domain);

	if (what != UTS_SETNS) {
		if (!names_eq(&now, &mine, what)) {
			v = iso_fail(ctx,
				     "the child's change reached the parent: it reads %s, not %s",
				     shown(&now, what), shown(&mine, what));
			goto out;
		}
		r = nsm_call(CLONE_NEWUTS, child_b, s, ms);
		if (r != 0) {
			v = iso_broken(ctx, r < 0 ? r : -EIO, "sibling B reads its names");
			goto out;
		}
		iso_note(ctx, "sibling", "%s/%s", s->sibling.host, s->sibling.domain);
		if (!names_eq(&s->sibling, &mine, what)) {
			v = iso_fail(ctx,
				     "a sibling namespace created after the child's change starts "
				     "with %s, not the parent's %s",
				     shown(&s->sibling, what), shown(&mine, what));
			goto out;
		}
		goto out;
	}

	/* setns(2) into A's namespace shows A's names; setns back shows the parent's again. */
	self_fd = nsm_ns_open(0, "uts");
	a_fd = nsm_ns_open(a.pid, "uts");
	if (self_fd < 0 || a_fd < 0) {
		v = iso_broken(ctx, self_fd < 0 ? self_fd : a_fd, "open the namespace files");
		goto out;
	}
	if (setns(a_fd, CLONE_NEWUTS) < 0) {
		v = iso_broken(ctx, -errno, "setns into child A's UTS namespace");
		goto out;
	}
	read_names(&joined);
	if (setns(self_fd, CLONE_NEWUTS) < 0) {
		v = iso_broken(ctx, -errno, "setns back into the parent's UTS namespace");
		goto out;
	}
	read_names(&now);
	iso_note(ctx, "after_setns_to_child", "%s/%s", joined.host, joined.domain);
	iso_note(ctx, "after_setns_back", "%s/%s", now.host, now.domain);
	if (!names_eq(&joined, &s->want_a, UTS_SETNS))
		v = iso_fail(ctx, "after setns into the child's namespace the names are %s/%s",
			     joined.host, joined.domain);
	else if (!names_eq(&now, &mine, UTS_SETNS))
		v = iso_fail(ctx, "after setns back the names are %s/%s, not the parent's %s/%s",
			     now.host, now.domain, mine.host, mine.domain);
out:
	nsm_proc_stop(&a);
	nsm_shared_free(s, sizeof(*s));
	return v;
}

/*
 * hostname_private_to_namespace: sethostname(2) in a new UTS namespace changes
 * the hostname of that namespace only: the parent and a sibling namespace created
 * afterwards (which starts as a copy of the parent's) keep the parent's hostname
 * (uts_namespaces(7)). Control: the child stays in the parent's namespace.
 *
 * domainname_private_to_namespace: setdomainname(2) likewise changes the NIS
 * domain name of the caller's UTS namespace only (uts_namespaces(7)).
 *
 * setns_switches_view: setns(2) into another process's UTS namespace shows that
 * namespace's names; setns back through a saved fd of the original namespace
 * restores the original view (setns(2), uts_namespaces(7)). Control: the child
 * changed the names in the parent's own namespace, so "back" shows the child's.
 */
static const struct iso_case cases[] = {
	ISO_VARIANT(hostname_private_to_namespace, uts_case, ISO_ARG(enum uts_check, UTS_HOST),
		    .doc = "sethostname in a new UTS ns leaves the parent and a sibling ns "
			   "unchanged (uts_namespaces(7))",
		    .timeout_ms = 5000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWUTS }),
	ISO_VARIANT(domainname_private_to_namespace, uts_case, ISO_ARG(enum uts_check, UTS_DOMAIN),
		    .doc = "setdomainname in a new UTS ns leaves the parent and a sibling ns "
			   "unchanged (uts_namespaces(7))",
		    .timeout_ms = 5000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWUTS }),
	ISO_VARIANT(setns_switches_view, uts_case, ISO_ARG(enum uts_check, UTS_SETNS),
		    .doc = "setns into a UTS ns shows its names, setns back restores the original "
			   "view (setns(2))",
		    .timeout_ms = 5000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWUTS }),
};

const struct iso_suite iso_suite_utsns = ISO_SUITE("utsns", cases);
