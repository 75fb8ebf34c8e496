// SPDX-License-Identifier: MIT
/*
 * Network namespace lifecycle and veth operations, over rtnetlink (libmnl).
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
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "bench.h"

struct nl {
	struct mnl_socket *s;
	unsigned int seq, portid;
};

/* Opens a route netlink socket in the current netns (groups: multicast). Returns 0 or -errno. */
static int nl_open(struct nl *n, unsigned int groups)
{
	n->s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!n->s)
		return -errno;
	if (mnl_socket_bind(n->s, groups, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(n->s);
		n->s = NULL;
		return e;
	}
	n->portid = mnl_socket_get_portid(n->s);
	n->seq = 1;
	return 0;
}

static void nl_close(struct nl *n)
{
	if (n->s)
		mnl_socket_close(n->s);
	n->s = NULL;
}

/* Sends a request and waits for its ack. Returns 0 or -errno. */
static int nl_talk(struct nl *n, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int r;

	nlh->nlmsg_seq = ++n->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(n->s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		r = mnl_socket_recvfrom(n->s, buf, sizeof(buf));
		if (r < 0)
			return -errno;
		r = mnl_cb_run(buf, r, n->seq, n->portid, NULL, NULL);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

/* A veth pair name/peer; the peer goes into netns peer_fd (-1: here). Returns 0 or -errno. */
static int veth_create(struct nl *n, const char *name, const char *peer, int peer_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm, *pm;
	struct nlattr *li, *data, *pi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pi = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pm = (struct ifinfomsg *)((char *)nlh + nlh->nlmsg_len);
	memset(pm, 0, sizeof(*pm));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pm));
	pm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_fd);
	mnl_attr_nest_end(nlh, pi);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return nl_talk(n, nlh);
}

/* Moves link ifindex into netns fd. Returns 0 or -errno. */
static int link_move(struct nl *n, int ifindex, int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)fd);
	return nl_talk(n, nlh);
}

/* Returns 0 or -errno. */
static int link_del(struct nl *n, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nl_talk(n, nlh);
}

/* Reads link notifications until RTM_DELLINK of ifindex. Returns 0, -ETIMEDOUT or -errno. */
static int wait_dellink(struct nl *mon, int ifindex, unsigned int timeout_ms)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint64_t end = iso_now_ms() + timeout_ms;
	int fd = mnl_socket_get_fd(mon->s);

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(end - iso_now_ms());
		int len;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		if (!(p.revents & POLLIN))
			continue;
		len = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
			struct ifinfomsg *ifm = mnl_nlmsg_get_payload(h);

			if (h->nlmsg_type == RTM_DELLINK && ifm->ifi_index == ifindex)
				return 0;
		}
	}
}

/* Drops pending notifications. */
static void drain(struct nl *mon)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(mon->s), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

struct net_state {
	int self_fd; /* the worker's private observer netns */
	int target_fd; /* a second netns to move links into */
	struct nl req, mon;
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
	r = nl_open(&s->req, 0);
	if (r == 0)
		r = nl_open(&s->mon, RTMGRP_LINK);
	if (r < 0)
		return r;
	snprintf(s->a, sizeof(s->a), "isb%s%da", b->tag, b->worker);
	snprintf(s->b, sizeof(s->b), "isb%s%db", b->tag, b->worker);
	/* Probe: veth may be a module that is absent. */
	r = veth_create(&s->req, s->a, s->b, -1);
	if (r < 0)
		return iso_bench_skip(b, "cannot create a veth pair: %s (CONFIG_VETH)",
				      strerror(-r));
	r = link_del(&s->req, (int)if_nametoindex(s->a));
	return r;
}

static void net_teardown(struct iso_bench_ctx *b, void *arg)
{
	struct net_state *s = b->state;

	(void)arg;
	if (!s)
		return;
	nl_close(&s->req);
	nl_close(&s->mon);
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
	r = veth_create(&s->req, s->a, s->b, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	idx = (int)if_nametoindex(s->a);
	drain(&s->mon);
	t0 = iso_bench_now();
	close(fd);
	r = wait_dellink(&s->mon, idx, 10000);
	t1 = iso_bench_now();
	if (r < 0) {
		link_del(&s->req, idx);
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
	r = veth_create(&s->req, s->a, s->b, -1);
	t[1] = iso_bench_now();
	if (r < 0)
		return r;
	idx = (int)if_nametoindex(s->b);
	t[2] = iso_bench_now();
	r = link_move(&s->req, idx, s->target_fd);
	t[3] = iso_bench_now();
	if (r < 0)
		return r;
	idx = (int)if_nametoindex(s->a);
	t[4] = iso_bench_now();
	r = link_del(&s->req, idx);
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

#define ROOT                                     \
	{                                        \
		.root = true, .ns = CLONE_NEWNET \
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
