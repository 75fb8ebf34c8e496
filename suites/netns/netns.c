// SPDX-License-Identifier: MIT
/*
 * Network namespaces: what a new one holds, veth pairs between two, what one
 * namespace cannot see or reach of another, teardown, moves, and setns
 * (network_namespaces(7), veth(4), ip-netns(8), setns(2)).
 *
 * Every namespace here is made by a forked child with CLONE_NEWNET and held by
 * an fd; the case process enters them with setns(2) and never configures the
 * namespace it started in. Addresses are 198.18.0.0/15 and IPv6 link-local.
 * The negative controls run the same code with "b" as a second fd to "a": one
 * namespace where the case has two.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iso.h"
#include "netlink.h"

#define NLINKS 64
#define VETH_MISSING "veth not available (modprobe veth)"

/* ---- namespaces held by fds ---- */

static int hold(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		pause();
	return 0;
}

/*
 * Makes a network namespace in a forked child (clone with CLONE_NEWNET if
 * newnet, else the child shares the caller's) and returns an fd to it. With
 * holder the child stays in it until killed, and its pid is stored there;
 * otherwise it is gone before this returns. Returns fd or -errno.
 */
static int netns_make(bool newnet, pid_t *holder)
{
	pid_t pid = iso_spawn(newnet ? CLONE_NEWNET : 0, hold, NULL);
	char path[64];
	int fd;

	if (pid < 0)
		return pid;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	if (holder && fd >= 0)
		*holder = pid;
	else
		iso_kill_wait(pid);
	return fd;
}

/* Returns 0 or -errno. */
static int enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) < 0 ? -errno : 0;
}

/* Returns 1 if a link of that name is in the current namespace, 0 if not, or -errno. */
static int link_present(const char *ifname)
{
	int r = iso_nl_link_get(ifname, NULL);

	return r == 0 ? 1 : r == -ENODEV ? 0 : r;
}

/*
 * Two namespaces: a (held by a child, so it has a pid too) and b, which is a
 * second namespace, or in the negative controls a second fd to a.
 */
struct pair {
	int self; /* the namespace the case started in */
	int a, b;
	pid_t holder; /* a process in a */
	char na[ISO_NL_IFNAMSIZ], nb[ISO_NL_IFNAMSIZ]; /* veth ends, made in a */
	bool by_sysfs; /* link_check looks in sysfs, not by netlink */
};

#define PAIR_INIT                                          \
	{                                                  \
		.self = -1, .a = -1, .b = -1, .holder = -1 \
	}

static void pair_close(struct pair *p)
{
	if (p->self >= 0)
		setns(p->self, CLONE_NEWNET);
	iso_closep(&p->self);
	iso_closep(&p->a);
	iso_closep(&p->b);
	iso_kill_wait(p->holder);
}

#define _cleanup_pair_ __attribute__((cleanup(pair_close)))

/* Makes the veth pair na <-> nb in a; leaves the caller in a. */
static enum iso_verdict veth_in_a(struct iso_ctx *ctx, struct pair *p)
{
	int r = enter(p->a);

	if (r < 0)
		return iso_broken(ctx, r, "setns into namespace a");
	r = iso_nl_veth_add(p->na, p->nb, -1);
	if (r == -EOPNOTSUPP || r == -ENODEV)
		return iso_skip(ctx, VETH_MISSING);
	if (r < 0)
		return iso_broken(ctx, r, "create veth pair %s/%s", p->na, p->nb);
	return ISO_PASS;
}

/* What pair_open sets up in the two namespaces. */
enum pair_links {
	NO_VETH,
	VETH_IN_A, /* the veth pair na <-> nb, both ends in a */
	VETH_BETWEEN, /* the same, with nb moved into b by fd (IFLA_NET_NS_FD) */
};

/*
 * Opens the two namespaces: b is a second one, or in the negative control
 * (iso_ctx_is_control) a second fd to a; then makes the veth pair that links
 * asks for. With a veth pair, leaves the caller in a.
 */
static enum iso_verdict pair_open(struct iso_ctx *ctx, struct pair *p, enum pair_links links)
{
	const bool split = !iso_ctx_is_control(ctx);
	enum iso_verdict v;
	int r;

	p->self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->self < 0)
		return iso_broken(ctx, -errno, "open /proc/self/ns/net");
	p->a = netns_make(true, &p->holder);
	if (p->a < 0)
		return iso_broken(ctx, p->a, "clone(CLONE_NEWNET) for namespace a");
	p->b = split ? netns_make(true, NULL) : fcntl(p->a, F_DUPFD_CLOEXEC, 0);
	if (p->b < 0)
		return iso_broken(ctx, split ? p->b : -errno, "namespace b");
	if (iso_ctx_name(ctx, p->na, sizeof(p->na), "a") < 0 ||
	    iso_ctx_name(ctx, p->nb, sizeof(p->nb), "b") < 0)
		return iso_broken(ctx, -ENAMETOOLONG, "link names");
	if (links == NO_VETH)
		return ISO_PASS;
	if ((v = veth_in_a(ctx, p)) != ISO_PASS || links == VETH_IN_A)
		return v;
	r = iso_nl_link_set_netns_fd(p->nb, p->b);
	if (r < 0)
		return iso_broken(ctx, r, "move %s into namespace b", p->nb);
	return ISO_PASS;
}

/* Mounts a sysfs in dir (made here) and tells whether class/net/NAME exists: 1, 0 or -errno. */
static int sysfs_has_link(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("sysfs", dir, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/class/net/%s", dir, name);
	r = lstat(path, &st) == 0 ? 1 : errno == ENOENT ? 0 : -errno;
	umount2(dir, MNT_DETACH);
	return r;
}

/*
 * Enters namespace a or b (in_b) and looks for the link name there: by netlink
 * (a dump), or with p->by_sysfs in class/net of a sysfs mounted there (in the
 * case's own mount namespace, at sys-a or sys-b). ISO_PASS if it is there
 * exactly when want; else a fail with the reason given, or broken.
 */
static enum iso_verdict link_check(struct iso_ctx *ctx, const struct pair *p, bool in_b,
				   const char *name, bool want, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static enum iso_verdict link_check(struct iso_ctx *ctx, const struct pair *p, bool in_b,
				   const char *name, bool want, const char *fmt, ...)
{
	const char *label = in_b ? "b" : "a";
	char why[256];
	va_list ap;
	int r = enter(in_b ? p->b : p->a);

	if (r < 0)
		return iso_broken(ctx, r, "setns into namespace %s", label);
	r = p->by_sysfs ? sysfs_has_link(in_b ? "sys-b" : "sys-a", name) : link_present(name);
	if (r < 0)
		return iso_broken(ctx, r, "%s in namespace %s",
				  p->by_sysfs ? "mount sysfs" : "dump links", label);
	if (r == want)
		return ISO_PASS;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return iso_fail(ctx, "%s", why);
}

/* ---- sockets ---- */

/* Returns 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, unsigned int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	uint64_t end = iso_now_ms() + ms;
	int r;

	for (;;) {
		uint64_t now = iso_now_ms();

		r = poll(&pfd, 1, now >= end ? 0 : (int)(end - now));
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* One end of a veth link with its address (port 0). */
struct end {
	const char *label; /* "a", "b" */
	int ns;
	const char *ifname;
	int ifindex; /* in its own namespace */
	struct sockaddr_storage addr;
	socklen_t alen;
};

static const char *addr_str(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	const void *a = sa->ss_family == AF_INET ?
				(const void *)&((struct sockaddr_in *)sa)->sin_addr :
				(const void *)&((struct sockaddr_in6 *)sa)->sin6_addr;

	if (!inet_ntop(sa->ss_family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static bool same_addr(const struct sockaddr_storage *x, const struct sockaddr_storage *y)
{
	if (x->ss_family != y->ss_family)
		return false;
	if (x->ss_family == AF_INET)
		return ((struct sockaddr_in *)x)->sin_addr.s_addr ==
		       ((struct sockaddr_in *)y)->sin_addr.s_addr;
	return !memcmp(&((struct sockaddr_in6 *)x)->sin6_addr,
		       &((struct sockaddr_in6 *)y)->sin6_addr, sizeof(struct in6_addr));
}

/* Sets the port and, for IPv6, the scope id (an ifindex in the sender's namespace). */
static void set_port_scope(struct sockaddr_storage *sa, in_port_t port, int ifindex)
{
	if (sa->ss_family == AF_INET) {
		((struct sockaddr_in *)sa)->sin_port = port;
	} else {
		((struct sockaddr_in6 *)sa)->sin6_port = port;
		((struct sockaddr_in6 *)sa)->sin6_scope_id = (uint32_t)ifindex;
	}
}

static in_port_t port_of(const struct sockaddr_storage *sa)
{
	return sa->ss_family == AF_INET ? ((struct sockaddr_in *)sa)->sin_port :
					  ((struct sockaddr_in6 *)sa)->sin6_port;
}

/*
 * Puts the end in namespace ns with link ifname, brings lo and the link up there and gives the
 * link the address text (IPv6 if it has a ':', else IPv4). With lo up, as in any configured
 * namespace, a packet for an address of the sender's own namespace (the control) is delivered
 * locally, not dropped, and the source-address check is what tells. Returns 0 or -errno.
 */
static int end_setup(struct end *e, int ns, const char *ifname, const char *text)
{
	const int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	int r = enter(ns);

	e->ns = ns;
	e->ifname = ifname;
	if (r < 0)
		return r;
	r = iso_nl_link_set_up("lo", true);
	if (r == 0)
		r = iso_nl_link_set_up(e->ifname, true);
	if (r < 0)
		return r;
	r = iso_nl_ifindex(e->ifname);
	if (r < 0)
		return r;
	e->ifindex = r;
	memset(&e->addr, 0, sizeof(e->addr));
	e->addr.ss_family = family;
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&e->addr;

		inet_pton(AF_INET, text, &s->sin_addr);
		e->alen = sizeof(*s);
		return iso_nl_addr_add4(e->ifname, &s->sin_addr, 30);
	}
	{
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&e->addr;

		inet_pton(AF_INET6, text, &s->sin6_addr);
		s->sin6_scope_id = (uint32_t)e->ifindex;
		e->alen = sizeof(*s);
		return iso_nl_addr_add6(e->ifname, &s->sin6_addr, 64);
	}
}

/*
 * Tells whether the end's link has joined the solicited-node multicast group of
 * its IPv6 address (/proc/thread-self/net/igmp6, the caller's namespace): until
 * then a neighbour solicitation for it is dropped. Returns 1, 0 or -errno.
 */
static int solicited_joined(const struct end *e)
{
	const uint8_t *a = ((const struct sockaddr_in6 *)&e->addr)->sin6_addr.s6_addr;
	_cleanup_free_ char *txt = NULL;
	char group[40], *line, *save = NULL;
	ssize_t n = iso_read_file_alloc("/proc/thread-self/net/igmp6", &txt);

	if (n < 0)
		return (int)n;
	snprintf(group, sizeof(group), "ff0200000000000000000001ff%02x%02x%02x", a[13], a[14],
		 a[15]);
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[32], g[40];

		if (sscanf(line, "%*d %31s %39s", dev, g) == 2 && !strcmp(dev, e->ifname) &&
		    !strcmp(g, group))
			return 1;
	}
	return 0;
}

/*
 * Waits until traffic to the end can flow: its link's operstate is up (link
 * watch has seen the carrier and activated the qdisc; IFF_RUNNING is already
 * set before that, and the first packet can be dropped), its address can be bound, and for IPv6 its solicited-node
 * group is joined (the kernel does that in a workqueue even for a NODAD
 * address). Returns 0, -ETIMEDOUT or -errno.
 */
static int end_wait_ready(const struct end *e, unsigned int ms)
{
	uint64_t end = iso_now_ms() + ms;
	int r = enter(e->ns);

	if (r < 0)
		return r;
	for (;; iso_sleep_ms(2)) {
		_cleanup_close_ int s = -1;
		struct iso_nl_link l;

		if (iso_now_ms() >= end)
			return -ETIMEDOUT;
		if ((r = iso_nl_link_get(e->ifname, &l)) < 0)
			return r;
		if (l.operstate != ISO_NL_OPER_UP)
			continue;
		s = socket(e->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return -errno;
		if (bind(s, (const struct sockaddr *)&e->addr, e->alen) < 0) {
			if (errno != EADDRNOTAVAIL)
				return -errno;
			continue;
		}
		if (e->addr.ss_family == AF_INET)
			return 0;
		if ((r = solicited_joined(e)) != 0)
			return r < 0 ? r : 0;
	}
}

/* Receives len bytes (one read) within ms and compares them with want. Returns 0 or -errno. */
static int recv_expect(int fd, const char *want, size_t len, unsigned int ms)
{
	char buf[64];
	ssize_t n;
	int r = wait_fd(fd, POLLIN, ms);

	if (r < 0)
		return r;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len && !memcmp(buf, want, len) ? 0 : -EBADMSG;
}

/*
 * One UDP datagram, or one TCP connection with a message each way, from one
 * end to the other: the server socket is made in to's namespace, the client in
 * from's, and the server must see from's address as the source.
 */
static enum iso_verdict exchange(struct iso_ctx *ctx, int type, const struct end *from,
				 const struct end *to, unsigned int ms)
{
	const char *proto = type == SOCK_DGRAM ? "UDP" : "TCP";
	const int fam = to->addr.ss_family;
	_cleanup_close_ int srv = -1, cli = -1, conn = -1;
	struct sockaddr_storage dst = to->addr, src = { 0 };
	socklen_t dlen = sizeof(dst), slen = sizeof(src);
	char sa[INET6_ADDRSTRLEN], fa[INET6_ADDRSTRLEN], ta[INET6_ADDRSTRLEN];
	static const char ping[] = "isobench-ping", pong[] = "isobench-pong";
	int r, err = 0;
	socklen_t elen = sizeof(err);

	addr_str(&from->addr, fa, sizeof(fa));
	addr_str(&to->addr, ta, sizeof(ta));
	if ((r = enter(to->ns)) < 0)
		return iso_broken(ctx, r, "setns into namespace %s", to->label);
	srv = socket(fam, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv < 0)
		return iso_broken(ctx, -errno, "%s socket in %s", proto, to->label);
	if (bind(srv, (const struct sockaddr *)&to->addr, to->alen) < 0)
		return iso_broken(ctx, -errno, "bind %s %s in %s", proto, ta, to->label);
	if (getsockname(srv, (struct sockaddr *)&dst, &dlen) < 0)
		return iso_broken(ctx, -errno, "getsockname");
	if (type == SOCK_STREAM && listen(srv, 4) < 0)
		return iso_broken(ctx, -errno, "listen");
	set_port_scope(&dst, port_of(&dst), from->ifindex);

	if ((r = enter(from->ns)) < 0)
		return iso_broken(ctx, r, "setns into namespace %s", from->label);
	cli = socket(fam, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cli < 0)
		return iso_broken(ctx, -errno, "%s socket in %s", proto, from->label);
	if (type == SOCK_DGRAM) {
		char buf[64];
		ssize_t n;

		if (sendto(cli, ping, sizeof(ping), 0, (struct sockaddr *)&dst, dlen) < 0)
			return iso_fail(ctx, "UDP sendto %s from %s: %s", ta, from->label,
					strerror(errno));
		if (wait_fd(srv, POLLIN, ms) < 0)
			return iso_fail(ctx,
					"no UDP datagram from %s (%s) reached %s (%s) in %u ms",
					from->label, fa, to->label, ta, ms);
		n = recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&src, &slen);
		if (n != (ssize_t)sizeof(ping) || memcmp(buf, ping, sizeof(ping)))
			return iso_fail(ctx, "UDP datagram %s -> %s arrived altered (%zd bytes)",
					from->label, to->label, n);
	} else {
		if (connect(cli, (struct sockaddr *)&dst, dlen) < 0 && errno != EINPROGRESS)
			return iso_fail(ctx, "TCP connect %s -> %s (%s): %s", from->label,
					to->label, ta, strerror(errno));
		if (wait_fd(srv, POLLIN, ms) < 0)
			return iso_fail(ctx, "no TCP connection from %s reached %s (%s) in %u ms",
					from->label, to->label, ta, ms);
		conn = accept4(srv, (struct sockaddr *)&src, &slen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (conn < 0)
			return iso_fail(ctx, "accept in %s: %s", to->label, strerror(errno));
		if (wait_fd(cli, POLLOUT, ms) < 0 ||
		    getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err)
			return iso_fail(ctx, "TCP connect %s -> %s did not complete: %s",
					from->label, to->label, strerror(err ? err : ETIMEDOUT));
		if (send(cli, ping, sizeof(ping), MSG_NOSIGNAL) != sizeof(ping) ||
		    recv_expect(conn, ping, sizeof(ping), ms) < 0)
			return iso_fail(ctx, "TCP data %s -> %s did not arrive", from->label,
					to->label);
		if (send(conn, pong, sizeof(pong), MSG_NOSIGNAL) != sizeof(pong) ||
		    recv_expect(cli, pong, sizeof(pong), ms) < 0)
			return iso_fail(ctx, "TCP reply %s -> %s did not arrive", to->label,
					from->label);
	}
	if (!same_addr(&src, &from->addr))
		return iso_fail(ctx,
				"%s from %s reached %s with source %s, not %s's veth address %s: "
				"it did not cross the veth pair",
				proto, from->label, to->label, addr_str(&src, sa, sizeof(sa)),
				from->label, fa);
	return ISO_PASS;
}

/* ---- the cases ---- */

/*
 * A new network namespace holds one network device, the loopback device lo,
 * and it is down (network_namespaces(7); ip-netns(8): "a new network namespace
 * has only a loopback interface, which is down"). Control: a child cloned
 * without CLONE_NEWNET, which sees the start namespace (read only).
 */
static enum iso_verdict new_netns_has_only_lo_down(struct iso_ctx *ctx)
{
	const bool newnet = !iso_ctx_is_control(ctx);
	struct iso_nl_link l[NLINKS];
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int ns = netns_make(newnet, NULL);
	char names[512] = "";
	size_t off = 0;
	int n, r;

	if (self < 0)
		return iso_broken(ctx, -errno, "open /proc/self/ns/net");
	if (ns < 0)
		return iso_broken(ctx, ns, "clone(CLONE_NEWNET)");
	if ((r = enter(ns)) < 0)
		return iso_broken(ctx, r, "setns into the new namespace");
	n = iso_nl_link_list(l, NLINKS);
	if ((r = enter(self)) < 0)
		return iso_broken(ctx, r, "setns back");
	if (n < 0)
		return iso_broken(ctx, n, "RTM_GETLINK dump");
	for (int i = 0; i < n && i < NLINKS && off < sizeof(names); i++)
		off += snprintf(names + off, sizeof(names) - off, "%s%s(%s)", i ? " " : "",
				l[i].name, l[i].flags & IFF_UP ? "up" : "down");
	iso_note(ctx, "links", "%s", names);
	if (n != 1 || strcmp(l[0].name, "lo"))
		return iso_fail(ctx, "the namespace has %d links (%s), not just lo", n, names);
	if (l[0].flags & IFF_UP)
		return iso_fail(ctx, "lo is up in a new namespace");
	return ISO_PASS;
}

/*
 * A veth pair with one end moved into another namespace connects the two: UDP datagrams and TCP
 * connections pass both ways and arrive from the other end's address (veth(4): "the veth devices
 * can act as tunnels between network namespaces"; network_namespaces(7)). IPv4 on 198.18.0.0/30,
 * IPv6 on fe80::/64 with explicit NODAD addresses. Control: both ends stay in one namespace.
 */
static enum iso_verdict veth_traffic(struct iso_ctx *ctx)
{
	const bool v6 = *(const int *)iso_ctx_arg(ctx) == AF_INET6;
	_cleanup_pair_ struct pair p = PAIR_INIT;
	const unsigned int ms = iso_ctx_ms(ctx, 2000);
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct end ea = { .label = "a" }, eb = { .label = "b" };
	_cleanup_close_ int s6 = -1;
	enum iso_verdict v;
	int r;

	if ((v = pair_open(ctx, &p, VETH_BETWEEN)) != ISO_PASS)
		return v;
	if (v6 && (s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 &&
	    (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT))
		return iso_skip(ctx, "IPv6 not available (CONFIG_IPV6, or booted with "
				     "ipv6.disable=1)");
	if ((r = end_setup(&ea, p.a, p.na, v6 ? "fe80::1" : "198.18.0.1")) < 0 ||
	    (r = end_setup(&eb, p.b, p.nb, v6 ? "fe80::2" : "198.18.0.2")) < 0)
		return r == -EACCES && v6 ?
			       iso_skip(ctx, "IPv6 disabled on the new links "
					     "(net.ipv6.conf.default.disable_ipv6=1 inherited?)") :
			       iso_broken(ctx, r, "bring up and address the veth ends");
	if ((r = end_wait_ready(&ea, ms)) < 0 || (r = end_wait_ready(&eb, ms)) < 0)
		return iso_broken(ctx, r, "wait for the veth ends to carry traffic");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(types); i++)
		if ((v = exchange(ctx, types[i], &ea, &eb, ms)) != ISO_PASS ||
		    (v = exchange(ctx, types[i], &eb, &ea, ms)) != ISO_PASS)
			return v;
	/* A veth pair is a wire: traffic crosses it inside one namespace too. The split is the point. */
	if ((v = link_check(ctx, &p, false, p.nb, false,
			    "traffic passed, but both veth ends are in one namespace")) != ISO_PASS)
		return v;
	iso_note(ctx, "exchanges", "UDP and TCP, a->b and b->a, %s", v6 ? "IPv6" : "IPv4");
	return ISO_PASS;
}

/*
 * A device is in exactly one network namespace: a netlink dump in another neither lists it nor
 * finds it by name (network_namespaces(7)). Control: "another" namespace is the same one.
 */
static enum iso_verdict link_invisible_to_netlink_in_other_netns(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	enum iso_verdict v;
	int r;

	if ((v = pair_open(ctx, &p, VETH_IN_A)) != ISO_PASS ||
	    (v = link_check(ctx, &p, false, p.na, true, "%s is absent from a", p.na)) != ISO_PASS ||
	    (v = link_check(ctx, &p, true, p.na, false,
			    "link %s of namespace a is listed by a dump in b", p.na)) != ISO_PASS ||
	    (v = link_check(ctx, &p, true, p.nb, false,
			    "link %s of namespace a is listed by a dump in b", p.nb)) != ISO_PASS)
		return v;
	if ((r = iso_nl_ifindex(p.na)) != -ENODEV)
		return r < 0 ? iso_broken(ctx, r, "look up %s in b", p.na) :
			       iso_fail(ctx, "%s of namespace a has ifindex %d in b", p.na, r);
	return ISO_PASS;
}

/*
 * /sys/class/net lists the devices of the network namespace of the process that mounted that
 * sysfs instance, not of the reader (sysfs(5); network_namespaces(7): "/sys/class/net" is per
 * namespace). A sysfs mounted (in the case's own mount namespace) after setns into b does not
 * show a link of a; one mounted in a does. Control: b is a.
 */
static enum iso_verdict sysfs_shows_links_of_mounting_netns(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	enum iso_verdict v;

	p.by_sysfs = true;
	if ((v = pair_open(ctx, &p, VETH_IN_A)) != ISO_PASS ||
	    (v = link_check(ctx, &p, false, p.na, true, "sysfs mounted in a lacks a's link %s",
			    p.na)) != ISO_PASS ||
	    (v = link_check(ctx, &p, true, p.na, false,
			    "sysfs mounted in b shows class/net/%s of namespace a", p.na)) !=
		    ISO_PASS)
		return v;
	return link_check(ctx, &p, true, "lo", true, "sysfs mounted in b lacks b's own lo");
}

/*
 * Port numbers are per network namespace: the same TCP and UDP port can be
 * bound (wildcard address, no SO_REUSEADDR) in two namespaces at once
 * (network_namespaces(7): "port numbers" are isolated). Control: both binds
 * in one namespace, where the second gets EADDRINUSE.
 */
static enum iso_verdict same_port_binds_in_two_netns(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	enum iso_verdict v;

	if ((v = pair_open(ctx, &p, NO_VETH)) != ISO_PASS)
		return v;
	for (size_t i = 0; i < ISO_ARRAY_SIZE(types); i++) {
		const char *proto = types[i] == SOCK_DGRAM ? "UDP" : "TCP";
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);
		_cleanup_close_ int s1 = -1, s2 = -1;
		int r;

		if ((r = enter(p.a)) < 0)
			return iso_broken(ctx, r, "setns into namespace a");
		s1 = socket(AF_INET, types[i] | SOCK_CLOEXEC, 0);
		if (s1 < 0 || bind(s1, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    getsockname(s1, (struct sockaddr *)&sa, &len) < 0 ||
		    (types[i] == SOCK_STREAM && listen(s1, 1) < 0))
			return iso_broken(ctx, -errno, "%s socket bound to a port in a", proto);
		if ((r = enter(p.b)) < 0)
			return iso_broken(ctx, r, "setns into namespace b");
		s2 = socket(AF_INET, types[i] | SOCK_CLOEXEC, 0);
		if (s2 < 0)
			return iso_broken(ctx, -errno, "%s socket in b", proto);
		if (bind(s2, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			if (errno == EADDRINUSE)
				return iso_fail(ctx, "%s port %u, bound in a, is in use in b",
						proto, ntohs(sa.sin_port));
			return iso_broken(ctx, -errno, "bind %s port %u in b", proto,
					  ntohs(sa.sin_port));
		}
	}
	return ISO_PASS;
}

/*
 * Each network namespace has its own loopback device: a TCP server on
 * 127.0.0.1 in a is reachable from a but not from b, where the connection is
 * refused by b's own lo (network_namespaces(7)). Control: the client's
 * namespace is a.
 */
static enum iso_verdict loopback_server_unreachable_from_other_netns(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	const unsigned int ms = iso_ctx_ms(ctx, 1000);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa), elen;
	_cleanup_close_ int srv = -1, ca = -1, cb = -1, acc = -1;
	enum iso_verdict v;
	int r, err = 0;

	if ((v = pair_open(ctx, &p, NO_VETH)) != ISO_PASS)
		return v;
	if ((r = enter(p.b)) < 0 || (r = iso_nl_link_set_up("lo", true)) < 0 ||
	    (r = enter(p.a)) < 0 || (r = iso_nl_link_set_up("lo", true)) < 0)
		return iso_broken(ctx, r, "bring lo up in a and b");
	srv = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(srv, (struct sockaddr *)&sa, &len) < 0 || listen(srv, 4) < 0)
		return iso_broken(ctx, -errno, "TCP server on 127.0.0.1 in a");
	/* Sanity: the server answers in its own namespace. */
	ca = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ca < 0 || connect(ca, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return iso_broken(ctx, -errno, "connect to the server from a");
	if (wait_fd(srv, POLLIN, ms) < 0 || (acc = accept(srv, NULL, NULL)) < 0)
		return iso_broken(ctx, -ETIMEDOUT, "accept the connection from a");
	if ((r = enter(p.b)) < 0)
		return iso_broken(ctx, r, "setns into namespace b");
	cb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cb < 0)
		return iso_broken(ctx, -errno, "socket in b");
	if (connect(cb, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		err = errno;
	} else {
		elen = sizeof(err);
		if (wait_fd(cb, POLLOUT, ms) < 0)
			err = ETIMEDOUT;
		else if (getsockopt(cb, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			return iso_broken(ctx, -errno, "SO_ERROR");
	}
	if (!err)
		return iso_fail(ctx, "b connected to a's server on 127.0.0.1:%u",
				ntohs(sa.sin_port));
	if (wait_fd(srv, POLLIN, iso_ctx_ms(ctx, 50)) == 0)
		return iso_fail(ctx, "a's server got a connection while b's was refused");
	iso_note(ctx, "connect_from_other_netns", "%s", strerror(err));
	return ISO_PASS;
}

/*
 * When a network namespace is freed, its virtual devices are destroyed, and
 * destroying one end of a veth pair destroys its peer (network_namespaces(7),
 * veth(4)). Observed from a: after the last reference to b is dropped, the
 * end left in a disappears. Teardown runs in a kernel workqueue, so a polls
 * for up to 2 s (times --timeout-mul). Control: the peer never left a, so a's end stays.
 */
static enum iso_verdict netns_teardown_destroys_veth_pair(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	const unsigned int ms = iso_ctx_ms(ctx, 2000);
	enum iso_verdict v;
	uint64_t t0;
	int r;

	if ((v = pair_open(ctx, &p, VETH_BETWEEN)) != ISO_PASS)
		return v;
	if ((r = link_present(p.na)) <= 0)
		return iso_broken(ctx, r ? r : -ENODEV, "%s in namespace a", p.na);
	/* The case process is in a; b's only reference is this fd. */
	t0 = iso_now_ms();
	iso_closep(&p.b);
	p.b = -1;
	while ((r = link_present(p.na)) == 1 && iso_now_ms() - t0 < ms)
		iso_sleep_ms(10);
	if (r < 0)
		return iso_broken(ctx, r, "dump links in a");
	if (r)
		return iso_fail(ctx, "%s still exists in a %u ms after b was released", p.na, ms);
	iso_note(ctx, "peer_gone_after_ms", "%llu", (unsigned long long)(iso_now_ms() - t0));
	return ISO_PASS;
}

/*
 * ISO_PASS if name is in b (in_b) or a, and not in the other; else fail or
 * broken. Leaves the caller in b.
 */
static enum iso_verdict where_is(struct iso_ctx *ctx, const struct pair *p, const char *name,
				 bool in_b, const char *step)
{
	for (int i = 0; i < 2; i++) {
		const bool is_b = i == 1, there = is_b == in_b;
		enum iso_verdict v = link_check(ctx, p, is_b, name, there,
						"after %s, %s is %s namespace %s", step, name,
						there ? "missing from" : "still in",
						is_b ? "b" : "a");

		if (v != ISO_PASS)
			return v;
	}
	return ISO_PASS;
}

/*
 * A device can be moved into another network namespace, named by an fd
 * (IFLA_NET_NS_FD) or by a process in it (IFLA_NET_NS_PID), and back: it then
 * exists in exactly one of them (network_namespaces(7), ip-link(8) "netns").
 * Control: the target namespace is the one the device is in.
 */
static enum iso_verdict link_moves_to_netns_and_back(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	enum iso_verdict v;
	int r;

	if ((v = pair_open(ctx, &p, VETH_BETWEEN)) != ISO_PASS ||
	    (v = where_is(ctx, &p, p.nb, true, "the move to b")) != ISO_PASS)
		return v;
	if ((r = enter(p.b)) < 0 || (r = iso_nl_link_set_netns_pid(p.nb, p.holder)) < 0)
		return iso_broken(ctx, r, "move %s back into a by pid (from b)", p.nb);
	return where_is(ctx, &p, p.nb, false, "the move back to a");
}

/* Finds lo in a dump over fd (fresh socket if fd < 0). Returns its IFF_ flags or -errno. */
static int lo_flags(int fd)
{
	struct iso_nl_link l[NLINKS];
	int n = fd >= 0 ? iso_nl_link_list_fd(fd, l, NLINKS) : iso_nl_link_list(l, NLINKS);

	if (n < 0)
		return n;
	for (int i = 0; i < n && i < NLINKS; i++)
		if (!strcmp(l[i].name, "lo"))
			return (int)(l[i].flags & 0x7fffffff);
	return -ENODEV;
}

/*
 * setns(2) with CLONE_NEWNET moves the caller into another network namespace
 * for the sockets it makes from then on; a socket made before keeps the
 * namespace it was made in (network_namespaces(7), setns(2)). Here a's lo is
 * up and b's is down: a netlink socket from a still sees lo up after setns
 * into b, a new one sees lo down. Control: the setns target is a itself.
 */
static enum iso_verdict socket_keeps_netns_across_setns(struct iso_ctx *ctx)
{
	_cleanup_pair_ struct pair p = PAIR_INIT;
	_cleanup_close_ int old = -1;
	enum iso_verdict v;
	int r, f;

	if ((v = pair_open(ctx, &p, NO_VETH)) != ISO_PASS)
		return v;
	if ((r = enter(p.a)) < 0 || (r = iso_nl_link_set_up("lo", true)) < 0)
		return iso_broken(ctx, r, "bring lo up in a");
	old = iso_nl_open();
	if (old < 0)
		return iso_broken(ctx, old, "netlink socket in a");
	if ((r = enter(p.b)) < 0)
		return iso_broken(ctx, r, "setns into namespace b");
	if ((f = lo_flags(old)) < 0)
		return iso_broken(ctx, f, "dump over the socket made in a");
	if (!(f & IFF_UP))
		return iso_fail(ctx, "the socket made in a sees lo down after setns: it follows "
				     "the caller to b");
	if ((f = lo_flags(-1)) < 0)
		return iso_broken(ctx, f, "dump over a new socket in b");
	if (f & IFF_UP)
		return iso_fail(ctx, "a socket made after setns into b sees lo up: it is in a");
	return ISO_PASS;
}

#define NETNS_REQ                                                   \
	{                                                           \
		.root = true, .userns_ok = true, .ns = CLONE_NEWNET \
	}
#define NETNS_REQ_HOST                                                        \
	{                                                                     \
		.root = true, .ns = CLONE_NEWNET,                             \
		.root_for = "setns(2) back into the host's network namespace" \
	}
#define VETH_REQ                                                                       \
	{                                                                              \
		.root = true, .userns_ok = true, .ns = CLONE_NEWNET, .kconfig = "VETH" \
	}

static const struct iso_case cases[] = {
	ISO_CASE(
		new_netns_has_only_lo_down,
		.doc = "a new network namespace holds only lo, and lo is down (network_namespaces(7))",
		.timeout_ms = 5000, .req = NETNS_REQ_HOST),
	ISO_VARIANT(veth_pair_carries_ipv4_between_netns, veth_traffic, ISO_ARG(int, AF_INET),
		    .doc = "UDP and TCP over IPv4 pass both ways over a veth pair between two "
			   "namespaces (veth(4))",
		    .timeout_ms = 15000, .req = VETH_REQ),
	ISO_VARIANT(
		veth_pair_carries_ipv6_link_local_between_netns, veth_traffic,
		ISO_ARG(int, AF_INET6),
		.doc = "UDP and TCP over IPv6 link-local pass both ways between two netns (veth(4))",
		.timeout_ms = 15000, .req = VETH_REQ),
	ISO_CASE(link_invisible_to_netlink_in_other_netns,
		 .doc = "a link is listed and found only in its own netns (network_namespaces(7))",
		 .timeout_ms = 5000, .req = VETH_REQ),
	ISO_CASE(sysfs_shows_links_of_mounting_netns,
		 .doc = "/sys/class/net shows the links of the namespace that mounted sysfs "
			"(network_namespaces(7), sysfs(5))",
		 .timeout_ms = 5000, .req = VETH_REQ),
	ISO_CASE(same_port_binds_in_two_netns,
		 .doc = "the same TCP and UDP port binds in two network namespaces at once "
			"(network_namespaces(7))",
		 .timeout_ms = 5000, .req = NETNS_REQ),
	ISO_CASE(loopback_server_unreachable_from_other_netns,
		 .doc = "a server on 127.0.0.1 is unreachable from another network namespace "
			"(network_namespaces(7))",
		 .timeout_ms = 5000, .req = NETNS_REQ),
	ISO_CASE(netns_teardown_destroys_veth_pair,
		 .doc = "freeing a network namespace destroys its veth end and the peer in another "
			"namespace (network_namespaces(7), veth(4))",
		 .timeout_ms = 10000, .req = VETH_REQ),
	ISO_CASE(link_moves_to_netns_and_back,
		 .doc = "a link moves to another network namespace by fd and back by pid, and is in "
			"one at a time (network_namespaces(7))",
		 .timeout_ms = 5000, .req = VETH_REQ),
	ISO_CASE(socket_keeps_netns_across_setns,
		 .doc = "after setns(CLONE_NEWNET) an old socket keeps its namespace and a new one "
			"gets the new namespace (setns(2))",
		 .timeout_ms = 5000, .req = NETNS_REQ),
};

const struct iso_suite iso_suite_netns = ISO_SUITE("netns", cases);
