// SPDX-License-Identifier: MIT
/*
 * What happens to network devices when their namespace dies
 * (network_namespaces(7): "When a network namespace is freed ..., its physical
 * network devices are moved back to the initial network namespace (not to
 * the namespace of the parent of the process)"; net/core/dev.c
 * default_device_exit_net and default_device_exit_batch: a device with
 * rtnl_link_ops, i.e. a virtual one, is deleted; any other is moved to
 * init_net).
 *
 * Namespaces here are held by file descriptors only: A (the creator) and B
 * (the one that dies when its last descriptor is closed). The case process
 * moves between them with setns(2) and never configures the namespace it
 * started in. Teardown of a namespace runs asynchronously (cleanup_net from a
 * workqueue); a witness veth pair with one end in B and the other in A tells
 * when it has run: the kernel deletes the A end together with B's devices.
 *
 * The virtual device is the first of dummy, ifb, bridge the kernel can make
 * (bridge only where it need not move: bridges are NETIF_F_NETNS_LOCAL).
 * The negative controls keep a descriptor to B, so B lives on with the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "iso.h"
#include "netlink.h"

#define PHYS_SKIP "needs a spare physical NIC; isobench never moves the host's devices"

static int hold(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		pause();
	return 0;
}

/* A new network namespace held only by the returned fd, or -errno. */
static int netns_new(void)
{
	pid_t pid = iso_spawn(CLONE_NEWNET, hold, NULL);
	char path[64];
	int fd;

	if (pid < 0)
		return pid;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	iso_kill_wait(pid);
	return fd;
}

/* 1 if ifname exists in the namespace of nsfd, 0 if not, or -errno. Leaves the caller in back. */
static int present_in(int nsfd, int back, const char *ifname)
{
	int r;

	if (setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	r = iso_nl_link_get(ifname, NULL);
	if (setns(back, CLONE_NEWNET) < 0)
		return -errno;
	return r == 0 ? 1 : r == -ENODEV ? 0 : r;
}

/*
 * Waits up to ms (already scaled) for ifname to disappear from the current namespace. Returns
 * true if it did.
 */
static bool gone_within(struct iso_ctx *ctx, const char *ifname, unsigned int ms)
{
	uint64_t end = iso_now_ms() + ms;

	do {
		if (iso_nl_link_get(ifname, NULL) == -ENODEV)
			return true;
		iso_sleep_ms(iso_ctx_ms(ctx, 20));
	} while (iso_now_ms() < end);
	return false;
}

/*
 * Creates a virtual link of the first kind the kernel has: dummy, ifb, or
 * (unless movable is asked for: a bridge is NETIF_F_NETNS_LOCAL) bridge.
 * Returns the kind or NULL (*err).
 */
static const char *virtual_link_add(const char *name, bool movable, int *err)
{
	static const char *const kinds[] = { "dummy", "ifb", "bridge" };

	for (size_t i = 0; i < ISO_ARRAY_SIZE(kinds) - movable; i++) {
		*err = iso_nl_link_add(name, kinds[i]);
		if (*err == 0)
			return kinds[i];
		if (*err != -EOPNOTSUPP && *err != -ENODEV)
			return NULL;
	}
	return NULL;
}

struct nets {
	int self, init, a, b;
};

static void nets_close(struct nets *n)
{
	if (n->self >= 0)
		setns(n->self, CLONE_NEWNET);
	iso_closep(&n->self);
	iso_closep(&n->init);
	iso_closep(&n->a);
	iso_closep(&n->b);
}

/*
 * One body for the two virtual-device cases. The device dev is made in B directly (the variant's
 * created_in_b) or in A and moved to B; the witness pair is wa (A) <-> wb (B). The case closes
 * the last fd to B; the negative control keeps it, so B lives on with the device.
 */
static enum iso_verdict dies_with_netns(struct iso_ctx *ctx)
{
	bool created_in_b = *(const bool *)iso_ctx_arg(ctx);
	bool die = !iso_ctx_is_control(ctx);
	struct nets __attribute__((cleanup(nets_close))) n = { -1, -1, -1, -1 };
	char dev[16], wa[16], wb[16];
	unsigned int wait = iso_ctx_ms(ctx, 3000);
	const char *kind;
	bool gone;
	int r;

	if (iso_ctx_name(ctx, dev, sizeof(dev), "d") < 0 ||
	    iso_ctx_name(ctx, wa, sizeof(wa), "wa") < 0 ||
	    iso_ctx_name(ctx, wb, sizeof(wb), "wb") < 0)
		return iso_broken(ctx, -ENAMETOOLONG, "link names");
	/* Should the kernel hand the device to the runner's namespace, the runner removes it. */
	r = iso_ledger_add(ctx, "link", dev);
	if (r < 0)
		return iso_broken(ctx, r, "ledger");
	n.self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n.self < 0)
		return iso_broken(ctx, -errno, "open /proc/self/ns/net");
	/* The initial namespace is pid 1's, where ptrace access to pid 1 lets us look. */
	n.init = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	iso_note(ctx, "initial_netns", "%s",
		 n.init < 0 ? "unreadable: the starting namespace stands in" :
		 iso_ns_ino(0, "net") == iso_ns_ino(1, "net") ? "the starting namespace" :
								"pid 1's, checked too");
	if (n.init < 0)
		n.init = fcntl(n.self, F_DUPFD_CLOEXEC, 0);
	n.a = netns_new();
	n.b = n.a >= 0 ? netns_new() : -1;
	if (n.a < 0 || n.b < 0)
		return iso_broken(ctx, n.a < 0 ? n.a : n.b, "clone(CLONE_NEWNET)");
	if (setns(created_in_b ? n.b : n.a, CLONE_NEWNET) < 0)
		return iso_broken(ctx, -errno, "setns into the creating namespace");
	kind = virtual_link_add(dev, !created_in_b, &r);
	if (!kind && (r == -EOPNOTSUPP || r == -ENODEV))
		return iso_skip(ctx,
				"no %svirtual link kind here (dummy, ifb%s: CONFIG_DUMMY, "
				"CONFIG_IFB%s)",
				created_in_b ? "" : "movable ", created_in_b ? ", bridge" : "",
				created_in_b ? ", CONFIG_BRIDGE" : "");
	if (!kind)
		return iso_broken(ctx, r, "create link %s", dev);
	iso_note(ctx, "kind", "%s", kind);
	if (setns(n.a, CLONE_NEWNET) < 0)
		return iso_broken(ctx, -errno, "setns into namespace A");
	if (!created_in_b && (r = iso_nl_link_set_netns_fd(dev, n.b)) < 0)
		return iso_broken(ctx, r, "move %s from A into B", dev);
	r = iso_nl_veth_add(wa, wb, n.b);
	if (r == -EOPNOTSUPP || r == -ENODEV)
		return iso_skip(ctx,
				"veth not available (modprobe veth): no witness of B's teardown");
	if (r < 0)
		return iso_broken(ctx, r, "create the witness veth pair %s/%s", wa, wb);
	r = present_in(n.b, n.a, dev);
	if (r != 1)
		return iso_broken(ctx, r, "%s is not in namespace B before it dies", dev);
	if (die) {
		close(n.b);
		n.b = -1;
	}
	gone = gone_within(ctx, wa, wait);
	iso_note(ctx, "b_torn_down", "%s", gone ? "yes" : "no");
	if ((r = iso_nl_link_get(dev, NULL)) != -ENODEV)
		return r == 0 ? iso_fail(ctx, "%s came back to namespace A, %s", dev,
					 created_in_b ? "the one the case was in" : "its creator") :
				iso_broken(ctx, r, "look for %s in A", dev);
	if ((r = present_in(n.self, n.a, dev)) != 0 || (r = present_in(n.init, n.a, dev)) != 0)
		return r > 0 ? iso_fail(ctx, "%s was moved to the initial namespace", dev) :
			       iso_broken(ctx, r, "look for %s in the initial namespace", dev);
	if (n.b >= 0 && (r = present_in(n.b, n.a, dev)) != 0)
		return r > 0 ? iso_fail(ctx, "%s (%s) still exists in namespace B, which is alive",
					dev, kind) :
			       iso_broken(ctx, r, "look for %s in B", dev);
	if (!gone)
		return iso_fail(ctx,
				"namespace B was not torn down within %u ms of its last "
				"reference (the witness %s is still in A)",
				wait, wa);
	return ISO_PASS;
}

/*
 * virtual_device_destroyed_with_netns (created_in_b): a virtual device created
 * in a network namespace is destroyed when the namespace dies: it shows up
 * neither in the namespace the creator was in nor in the initial one
 * (network_namespaces(7); default_device_exit_batch). Control: a descriptor
 * keeps the namespace, and the device, alive.
 *
 * moved_virtual_device_not_returned_to_creator (!created_in_b): a virtual
 * device created in namespace A and moved into B is destroyed with B: it does
 * not go back to A, its creator, nor to the initial namespace
 * (network_namespaces(7), default_device_exit_net skips devices with
 * rtnl_link_ops). Control: B kept alive.
 */

/*
 * A physical device (no rtnl_link_ops) in a dying namespace goes back to the
 * initial network namespace, not to the creator's (network_namespaces(7);
 * default_device_exit_net). Observing it means moving a real NIC out of the
 * host's namespace and watching it come back there, and every device that
 * could stand in for one without configuring the host's namespace (a
 * netdevsim port is created through /sys/bus/netdevsim and returns to
 * init_net) ends in the host's namespace too: isobench does not do that.
 * The control would keep that namespace alive: it needs the same NIC.
 */
static enum iso_verdict physical_device_returns_to_initial_netns(struct iso_ctx *ctx)
{
	return iso_skip(ctx, PHYS_SKIP);
}

#define NETDEV_REQ                                                                                       \
	{                                                                                                \
		.root = true, .ns = CLONE_NEWNET,                                                        \
		.root_for =                                                                              \
			"devices of the host's network namespace (looked up there, or moved back to it)" \
	}

static const struct iso_case cases[] = {
	ISO_VARIANT(virtual_device_destroyed_with_netns, dies_with_netns, ISO_ARG(bool, true),
		    .doc = "a virtual device is destroyed when its network namespace dies "
			   "(network_namespaces(7))",
		    .timeout_ms = 20000, .req = NETDEV_REQ),
	ISO_VARIANT(moved_virtual_device_not_returned_to_creator, dies_with_netns,
		    ISO_ARG(bool, false),
		    .doc = "a virtual device moved into a namespace that dies is destroyed, not "
			   "returned to its creator's namespace (network_namespaces(7))",
		    .timeout_ms = 20000, .req = NETDEV_REQ),
	ISO_CASE(physical_device_returns_to_initial_netns,
		 .doc = "a physical device of a dying namespace goes back to the initial namespace, "
			"not the creator's (network_namespaces(7)); skipped: " PHYS_SKIP,
		 .timeout_ms = 1000, .req = NETDEV_REQ),
};

const struct iso_suite iso_suite_netdev = ISO_SUITE("netdev", cases);
