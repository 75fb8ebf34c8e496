/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink helpers (libmnl). All act in the caller's network namespace: each
 * call opens its own NETLINK_ROUTE socket, and a socket belongs to the network
 * namespace its creator was in when it was created (network_namespaces(7)), so
 * setns(fd, CLONE_NEWNET) before a call picks the namespace it acts in. The
 * _fd variants use a socket from iso_nl_open() instead, wherever it was made.
 * Every function returns 0 (or a count, an index) or -errno.
 */
#ifndef ISO_NETLINK_H
#define ISO_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/netlink.h>

struct in_addr;
struct in6_addr;

#define ISO_NL_IFNAMSIZ 16
/* IF_OPER_UP (RFC 2863) from <linux/if.h>, which cannot be included next to <net/if.h>. */
#define ISO_NL_OPER_UP 6

/* One link as an RTM_GETLINK dump shows it. */
struct iso_nl_link {
	char name[ISO_NL_IFNAMSIZ];
	int ifindex;
	unsigned int flags; /* IFF_UP, IFF_LOWER_UP, ... */
	unsigned int operstate; /* IFLA_OPERSTATE; ISO_NL_OPER_UP once link watch saw carrier */
	uint64_t rx_packets, tx_packets; /* IFLA_STATS64; 0 if absent */
};

/* Sends one request built with libmnl and waits for its ack. Returns 0 or -errno. */
int iso_nl_talk(struct nlmsghdr *nlh);

struct mnl_socket;

/*
 * A NETLINK_ROUTE socket kept open across requests, for a loop that must not
 * open one per request (a benchmark's timed op): libmnl, close-on-exec, with
 * its own sequence numbers. The iso_nl_sock_* requests check nothing of their
 * own before they send: the kernel's answer is the result.
 */
struct iso_nl_sock {
	struct mnl_socket *s;
	unsigned int seq, portid;
};

/*
 * Opens one in the current network namespace, joined to the multicast groups
 * (RTMGRP_LINK: link notifications; 0: none). Returns 0 or -errno.
 */
int iso_nl_sock_open(struct iso_nl_sock *n, unsigned int groups);
/* Closes it; accepts one never opened (zeroed) or already closed. */
void iso_nl_sock_close(struct iso_nl_sock *n);
/* Sends one request and waits for its ack. Returns 0 or -errno. */
int iso_nl_sock_talk(struct iso_nl_sock *n, struct nlmsghdr *nlh);
/* iso_nl_veth_add over n. Returns 0 or -errno. */
int iso_nl_sock_veth_add(struct iso_nl_sock *n, const char *name, const char *peer, int peer_nsfd);
/* Moves link ifindex into the network namespace nsfd (RTM_NEWLINK, IFLA_NET_NS_FD). Returns 0 or -errno. */
int iso_nl_sock_link_move(struct iso_nl_sock *n, int ifindex, int nsfd);
/* Deletes link ifindex. Returns 0 or -errno. */
int iso_nl_sock_link_del(struct iso_nl_sock *n, int ifindex);
/*
 * Reads the notifications of mon (opened with RTMGRP_LINK) until RTM_DELLINK
 * of ifindex. Returns 0, -ETIMEDOUT after timeout_ms, or -errno.
 */
int iso_nl_sock_wait_dellink(struct iso_nl_sock *mon, int ifindex, unsigned int timeout_ms);
/* Drops the notifications mon has pending. */
void iso_nl_sock_drain(struct iso_nl_sock *mon);
/* Deletes a link by name. Returns 0 or -errno (-ENODEV if absent). */
int iso_nl_link_del(const char *ifname);

/*
 * Opens a NETLINK_ROUTE socket (close-on-exec) in the current network
 * namespace; it keeps that namespace after a later setns. Returns fd or -errno.
 */
int iso_nl_open(void);

/*
 * Creates a veth pair name <-> peer. With peer_nsfd >= 0 the peer is created
 * directly in that network namespace, otherwise next to name. Returns 0 or
 * -errno (-EOPNOTSUPP: no veth driver; -EEXIST: a name is taken).
 */
int iso_nl_veth_add(const char *name, const char *peer, int peer_nsfd);
/*
 * Creates a link of a kind that needs no attributes ("dummy", "bridge", "ifb")
 * in the current network namespace. Returns 0 or -errno (-EOPNOTSUPP: the
 * kernel has no such kind; -EEXIST: the name is taken).
 */
int iso_nl_link_add(const char *name, const char *kind);
/* Moves a link into the network namespace nsfd refers to (IFLA_NET_NS_FD). Returns 0 or -errno. */
int iso_nl_link_set_netns_fd(const char *ifname, int nsfd);
/* Moves a link into the network namespace of process pid (IFLA_NET_NS_PID). Returns 0 or -errno. */
int iso_nl_link_set_netns_pid(const char *ifname, pid_t pid);
/* Sets a link up or down (IFF_UP). Returns 0 or -errno. */
int iso_nl_link_set_up(const char *ifname, bool up);
/* Adds an IPv4 address addr/prefixlen to a link. Returns 0 or -errno. */
int iso_nl_addr_add4(const char *ifname, const struct in_addr *addr, unsigned int prefixlen);
/*
 * Adds an IPv6 address addr/prefixlen to a link with IFA_F_NODAD: usable as
 * soon as the link has carrier, no duplicate address detection to wait for.
 * Returns 0 or -errno.
 */
int iso_nl_addr_add6(const char *ifname, const struct in6_addr *addr, unsigned int prefixlen);

/*
 * Dumps the links (RTM_GETLINK) into links[0..max-1]. Returns the number of
 * links the namespace has (may exceed max: only max were stored) or -errno.
 */
int iso_nl_link_list(struct iso_nl_link *links, size_t max);
/* The same over a socket from iso_nl_open(): lists the links of that socket's namespace. */
int iso_nl_link_list_fd(int nlfd, struct iso_nl_link *links, size_t max);
/* Finds one link by name through a dump. Returns 0, -ENODEV if absent, or -errno. */
int iso_nl_link_get(const char *ifname, struct iso_nl_link *out);
/* The ifindex of a link, found through a dump. Returns > 0, -ENODEV if absent, or -errno. */
int iso_nl_ifindex(const char *ifname);

#endif
