// SPDX-License-Identifier: MIT
/* rtnetlink helpers on libmnl: links, addresses, namespaces. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/* Sends one request and waits for its ack. Returns 0 or -errno. */
int iso_nl_talk(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	unsigned int seq, portid;
	int r;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = nlh->nlmsg_seq = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (r < 0) {
		r = -errno;
		goto out;
	}
	r = mnl_cb_run(buf, r, seq, portid, NULL, NULL);
	r = r < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return r;
}

/* Returns 0 or -errno. */
int iso_nl_link_del(const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	unsigned int idx = if_nametoindex(ifname);

	if (!idx)
		return -ENODEV;
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)idx;
	return iso_nl_talk(nlh);
}
