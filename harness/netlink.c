// SPDX-License-Identifier: MIT
/* rtnetlink helpers on libmnl: links, addresses, namespaces. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "iso.h"
#include "netlink.h"

/* Returns 0 or -errno. */
int iso_nl_sock_open(struct iso_nl_sock *n, unsigned int groups)
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

void iso_nl_sock_close(struct iso_nl_sock *n)
{
	if (n->s)
		mnl_socket_close(n->s);
	n->s = NULL;
}

/* Returns 0 or -errno. */
int iso_nl_sock_talk(struct iso_nl_sock *n, struct nlmsghdr *nlh)
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

/* Returns 0 or -errno. */
int iso_nl_talk(struct nlmsghdr *nlh)
{
	struct iso_nl_sock n;
	int r = iso_nl_sock_open(&n, 0);

	if (r < 0)
		return r;
	r = iso_nl_sock_talk(&n, nlh);
	iso_nl_sock_close(&n);
	return r;
}

/* Builds an RTM_NEWLINK or RTM_DELLINK request for link ifindex into buf. Returns nlh. */
static struct nlmsghdr *link_msg(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* Returns 0 or -errno. */
int iso_nl_link_del(const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int idx = if_nametoindex(ifname);

	if (!idx)
		return -ENODEV;
	return iso_nl_talk(link_msg(buf, RTM_DELLINK, (int)idx));
}

/* Returns 0 or -errno. */
int iso_nl_sock_link_del(struct iso_nl_sock *n, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return iso_nl_sock_talk(n, link_msg(buf, RTM_DELLINK, ifindex));
}

/* Returns 0 or -errno. */
int iso_nl_sock_link_move(struct iso_nl_sock *n, int ifindex, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex);

	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	return iso_nl_sock_talk(n, nlh);
}

/* Returns 0, -ETIMEDOUT or -errno. */
int iso_nl_sock_wait_dellink(struct iso_nl_sock *mon, int ifindex, unsigned int timeout_ms)
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

void iso_nl_sock_drain(struct iso_nl_sock *mon)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(mon->s), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* Starts an RTM_SETLINK request naming the link by IFLA_IFNAME. Returns nlh or NULL. */
static struct nlmsghdr *setlink_start(char *buf, const char *ifname)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (strlen(ifname) >= IFNAMSIZ)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

/* Returns fd or -errno. */
int iso_nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Builds the RTM_NEWLINK request of a veth pair name <-> peer into buf. Returns nlh. */
static struct nlmsghdr *veth_msg(char *buf, const char *name, const char *peer, int peer_nsfd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	struct nlattr *info, *data, *pn;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer: an ifinfomsg of its own followed by its attributes (veth(4)). */
	pn = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, pn);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/* Returns 0 or -errno. */
int iso_nl_veth_add(const char *name, const char *peer, int peer_nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (strlen(name) >= IFNAMSIZ || strlen(peer) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	return iso_nl_talk(veth_msg(buf, name, peer, peer_nsfd));
}

/* Returns 0 or -errno. */
int iso_nl_sock_veth_add(struct iso_nl_sock *n, const char *name, const char *peer, int peer_nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return iso_nl_sock_talk(n, veth_msg(buf, name, peer, peer_nsfd));
}

/* Returns 0 or -errno. */
int iso_nl_link_add(const char *name, const char *kind)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *info;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return iso_nl_talk(nlh);
}

/* Returns 0 or -errno. */
int iso_nl_link_set_netns_fd(const char *ifname, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = setlink_start(buf, ifname);

	if (!nlh)
		return -ENAMETOOLONG;
	if (nsfd < 0)
		return -EBADF;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	return iso_nl_talk(nlh);
}

/* Returns 0 or -errno. */
int iso_nl_link_set_netns_pid(const char *ifname, pid_t pid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = setlink_start(buf, ifname);

	if (!nlh)
		return -ENAMETOOLONG;
	if (pid <= 0)
		return -ESRCH;
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)pid);
	return iso_nl_talk(nlh);
}

/* Returns 0 or -errno. */
int iso_nl_link_set_up(const char *ifname, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = setlink_start(buf, ifname);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -ENAMETOOLONG;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return iso_nl_talk(nlh);
}

/* Returns 0 or -errno. */
static int addr_add(const char *ifname, int family, const void *addr, size_t alen,
		    unsigned int prefixlen, uint32_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int idx = iso_nl_ifindex(ifname);

	if (idx < 0)
		return idx;
	if (prefixlen > alen * 8)
		return -EINVAL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_flags = flags & 0xff;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE; /* IPv6 derives the scope from the address */
	ifa->ifa_index = (unsigned int)idx;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	return iso_nl_talk(nlh);
}

/* Returns 0 or -errno. */
int iso_nl_addr_add4(const char *ifname, const struct in_addr *addr, unsigned int prefixlen)
{
	return addr_add(ifname, AF_INET, addr, sizeof(*addr), prefixlen, 0);
}

/* Returns 0 or -errno. */
int iso_nl_addr_add6(const char *ifname, const struct in6_addr *addr, unsigned int prefixlen)
{
	return addr_add(ifname, AF_INET6, addr, sizeof(*addr), prefixlen, IFA_F_NODAD);
}

struct dump {
	struct iso_nl_link *links;
	size_t max;
	int n;
	bool intr; /* NLM_F_DUMP_INTR: links changed during the dump */
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct dump *d = data;
	struct iso_nl_link *l;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = true;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if ((size_t)d->n >= d->max) {
		d->n++;
		return MNL_CB_OK;
	}
	l = &d->links[d->n++];
	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb);
	if (tb[IFLA_IFNAME])
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_OPERSTATE])
		l->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_STATS64] &&
	    mnl_attr_get_payload_len(tb[IFLA_STATS64]) >= sizeof(struct rtnl_link_stats64)) {
		struct rtnl_link_stats64 st;

		memcpy(&st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(st));
		l->rx_packets = st.rx_packets;
		l->tx_packets = st.tx_packets;
	}
	return MNL_CB_OK;
}

/* One RTM_GETLINK dump over fd. Returns the count or -errno (-EAGAIN: interrupted). */
static int link_dump_once(int fd, struct iso_nl_link *links, size_t max)
{
	static const size_t bufsz = 32768; /* a dump message is at most 32 KiB */
	_cleanup_free_ char *buf = malloc(bufsz);
	struct dump d = { .links = links, .max = max };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	unsigned int seq;
	int r;

	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	seq = nlh->nlmsg_seq = (unsigned int)iso_now_ns() | 1;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	do {
		ssize_t len = recv(fd, buf, bufsz, 0);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = mnl_cb_run(buf, (size_t)len, seq, 0, link_cb, &d);
		if (r < 0)
			return -errno;
	} while (r > MNL_CB_STOP);
	return d.intr ? -EAGAIN : d.n;
}

/* Returns the count or -errno. */
int iso_nl_link_list_fd(int nlfd, struct iso_nl_link *links, size_t max)
{
	int r = -EAGAIN;

	/* A dump that raced with a link change is inconsistent: take it again. */
	for (int i = 0; i < 5 && r == -EAGAIN; i++)
		r = link_dump_once(nlfd, links, max);
	return r;
}

/* Returns the count or -errno. */
int iso_nl_link_list(struct iso_nl_link *links, size_t max)
{
	_cleanup_close_ int fd = iso_nl_open();

	if (fd < 0)
		return fd;
	return iso_nl_link_list_fd(fd, links, max);
}

/* Returns 0, -ENODEV or -errno. */
int iso_nl_link_get(const char *ifname, struct iso_nl_link *out)
{
	size_t max = 64;

	for (;;) {
		_cleanup_free_ struct iso_nl_link *l = calloc(max, sizeof(*l));
		int n;

		if (!l)
			return -ENOMEM;
		n = iso_nl_link_list(l, max);
		if (n < 0)
			return n;
		if ((size_t)n > max) {
			max = (size_t)n + 16;
			continue;
		}
		for (int i = 0; i < n; i++)
			if (!strcmp(l[i].name, ifname)) {
				if (out)
					*out = l[i];
				return 0;
			}
		return -ENODEV;
	}
}

/* Returns > 0, -ENODEV or -errno. */
int iso_nl_ifindex(const char *ifname)
{
	struct iso_nl_link l;
	int r = iso_nl_link_get(ifname, &l);

	return r < 0 ? r : l.ifindex;
}
