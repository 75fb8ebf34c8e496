// SPDX-License-Identifier: MIT
/*
 * Network namespace lifecycle and veth operations, over rtnetlink (the core's
 * iso_nl_sock_*: one socket per worker, kept open across iterations).
 *
 * Every worker first moves into a private network namespace of its own (the
 * "observer"), so nothing here ever touches the host's: the namespaces and
 * links die with the worker. Teardown of a network namespace is asynchronous
 * (cleanup_net runs from a workqueue): "gone" is timed from dropping the last
 * reference until the kernel deletes a veth whose peer lived in it, which the
 * observer sees as RTM_DELLINK of the surviving end.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "bench.h"
#include "netlink.h"

struct net_state {
	int self_fd; /* the worker's private observer netns */
	int target_fd; /* a second netns to move links into */
	struct iso_nl_sock req, mon;
	char a[IFNAMSIZ], b[IFNAMSIZ];
};

/* Opens this process's netns. Returns fd or -errno. */
static int netns_fd(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Creates a new netns, returns an fd to it and comes back. Returns fd or -errno. */
static int netns_new(int back_fd)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	fd = netns_fd();
	if (setns(back_fd, CLONE_NEWNET) < 0) {
		int e = -errno;

		if (fd >= 0)
			close(fd);
		return e;
	}
	return fd;
}

/* Returns 0 or -errno. */
static int net_setup(struct iso_bench_ctx *b, void *arg)
{
	struct net_state *s = calloc(1, sizeof(*s));
	int r;

	(void)arg;
	if (!s)
		return -ENOMEM;
	b->state = s;
	s->self_fd = s->target_fd = -1;
	/* Never the host's netns: the worker leaves it before anything else. */
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	s->self_fd = netns_fd();
	if (s->self_fd < 0)
		return s->self_fd;
	s->target_fd = netns_new(s->self_fd);
	if (s->target_fd < 0)
		return s->target_fd;
	r = iso_nl_sock_open(&s->req, 0);
	if (r == 0)
		r = iso_nl_sock_open(&s->mon, RTMGRP_LINK);
	if (r < 0)
		return r;
	snprintf(s->a, sizeof(s->a), "isb%s%da", b->tag, b->worker);
	snprintf(s->b, sizeof(s->b), "isb%s%db", b->tag, b->worker);
	/* Probe: veth may be a module that is absent. */
	r = iso_nl_sock_veth_add(&s->req, s->a, s->b, -1);
	if (r < 0)
		return iso_bench_skip(b, "cannot create a veth pair: %s (CONFIG_VETH)",
				      strerror(-r));
	r = iso_nl_sock_link_del(&s->req, (int)if_nametoindex(s->a));
	return r;
}

static void net_teardown(struct iso_bench_ctx *b, void *arg)
{
	struct net_state *s = b->state;

	(void)arg;
	if (!s)
		return;
	iso_nl_sock_close(&s->req);
	iso_nl_sock_close(&s->mon);
	if (s->self_fd >= 0)
		close(s->self_fd);
	if (s->target_fd >= 0)
		close(s->target_fd);
	free(s);
}

/*
 * create: unshare(CLONE_NEWNET). gone: from closing the last reference to a
 * netns holding one end of a veth pair until the other end, here, is deleted.
 * Returns 0 or -errno.
 */
static int netns_cycle(struct iso_bench_ctx *b, void *arg)
{
	struct net_state *s = b->state;
	uint64_t t0, t1;
	int fd, idx, r;

	(void)arg;
	t0 = iso_bench_now();
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	t1 = iso_bench_now();
	iso_bench_record(b, 0, (double)(t1 - t0));
	fd = netns_fd();
	if (fd < 0)
		return fd;
	if (setns(s->self_fd, CLONE_NEWNET) < 0) {
		close(fd);
		return -errno;
	}
	r = iso_nl_sock_veth_add(&s->req, s->a, s->b, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	idx = (int)if_nametoindex(s->a);
	iso_nl_sock_drain(&s->mon);
	t0 = iso_bench_now();
	close(fd);
	r = iso_nl_sock_wait_dellink(&s->mon, idx, 10000);
	t1 = iso_bench_now();
	if (r < 0) {
		iso_nl_sock_link_del(&s->req, idx);
		return r;
	}
	iso_bench_record(b, 1, (double)(t1 - t0));
	return 0;
}

/* create a pair here, move one end to the target netns, delete the pair. Returns 0 or -errno. */
static int veth_cycle(struct iso_bench_ctx *b, void *arg)
{
	struct net_state *s = b->state;
	uint64_t t[6];
	int idx, r;

	(void)arg;
	t[0] = iso_bench_now();
	r = iso_nl_sock_veth_add(&s->req, s->a, s->b, -1);
	t[1] = iso_bench_now();
	if (r < 0)
		return r;
	idx = (int)if_nametoindex(s->b);
	t[2] = iso_bench_now();
	r = iso_nl_sock_link_move(&s->req, idx, s->target_fd);
	t[3] = iso_bench_now();
	if (r < 0)
		return r;
	idx = (int)if_nametoindex(s->a);
	t[4] = iso_bench_now();
	r = iso_nl_sock_link_del(&s->req, idx);
	t[5] = iso_bench_now();
	if (r < 0)
		return r;
	for (int k = 0; k < 3; k++)
		iso_bench_record(b, (unsigned int)k, (double)(t[2 * k + 1] - t[2 * k]));
	return 0;
}

/* Scaling: unshare(CLONE_NEWNET) back to back in each worker. Returns 0 or -errno. */
static int unshare_net_op(struct iso_bench_ctx *b, void *arg)
{
	(void)b;
	(void)arg;
	return unshare(CLONE_NEWNET) < 0 ? -errno : 0;
}

#define ROOT                                                                                      \
	{                                                                                         \
		.root = true, .ns = CLONE_NEWNET,                                                 \
		.root_for = "network namespaces and links made from the host's network namespace" \
	}
#define SCALE(c)                                                                                \
	{                                                                                       \
		.id = "scale.unshare_net.c" #c, .group = "netns_scaling", .op = unshare_net_op, \
		.warmup = 3, .samples = 90, .concurrency = (c), .flags = CLONE_NEWNET,          \
		.profiles = ((c) <= 4 ? ISO_PROF_QF : ISO_PROF_FULL), .req = ROOT               \
	}

const struct iso_bench iso_bench_net[] = {
	{ .id = "netns",
	  .group = "netns",
	  .op = netns_cycle,
	  .setup = net_setup,
	  .teardown = net_teardown,
	  .self_timed = true,
	  .warmup = 3,
	  .samples = 30,
	  .flags = CLONE_NEWNET,
	  .metrics = { "create", "gone" },
	  .profiles = ISO_PROF_ALL,
	  .req = ROOT },
	{ .id = "veth",
	  .group = "veth",
	  .op = veth_cycle,
	  .setup = net_setup,
	  .teardown = net_teardown,
	  .self_timed = true,
	  .warmup = 3,
	  .samples = 40,
	  .metrics = { "create", "move", "delete" },
	  .profiles = ISO_PROF_QF,
	  .req = ROOT },
	SCALE(1),
	SCALE(2),
	SCALE(3),
	SCALE(4),
	SCALE(6),
	SCALE(8),
	SCALE(12),
	SCALE(16),
	SCALE(24),
	SCALE(32),
	SCALE(48),
	SCALE(64),
	{ 0 },
};
