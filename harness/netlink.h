/* SPDX-License-Identifier: MIT */
/* rtnetlink helpers (libmnl). All act in the caller's network namespace. */
#ifndef ISO_NETLINK_H
#define ISO_NETLINK_H

#include <linux/netlink.h>

/* Sends one request built with libmnl and waits for its ack. Returns 0 or -errno. */
int iso_nl_talk(struct nlmsghdr *nlh);
/* Deletes a link by name. Returns 0 or -errno (-ENODEV if absent). */
int iso_nl_link_del(const char *ifname);

#endif
