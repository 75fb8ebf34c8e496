// SPDX-License-Identifier: MIT
/*
 * Rootless runs: entering a user namespace of one's own (user_namespaces(7)),
 * and probing whether this host lets an unprivileged user make one.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

const char *iso_priv_name(enum iso_priv p)
{
	switch (p) {
	case ISO_PRIV_ROOT:
		return "root";
	case ISO_PRIV_USER:
		return "user";
	case ISO_PRIV_USERNS:
		return "userns";
	case ISO_PRIV_DELEGATED:
		return "delegated";
	default:
		return "none";
	}
}

/*
 * One mapping, the user to 0: what an unprivileged process may write for
 * itself. setgroups must be denied before gid_map (since 3.19). Returns 0 or
 * -errno.
 */
int iso_userns_enter(uid_t uid, gid_t gid, char *why, size_t len)
{
	int r;

	if (unshare(CLONE_NEWUSER) < 0) {
		r = -errno;
		snprintf(why, len, "unshare(CLONE_NEWUSER): %s", strerror(errno));
		return r;
	}
	r = iso_write_file("/proc/self/uid_map", "0 %d 1\n", (int)uid);
	if (r < 0) {
		snprintf(why, len, "write uid_map \"0 %d 1\": %s", (int)uid, strerror(-r));
		return r;
	}
	r = iso_write_file("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT) {
		snprintf(why, len, "write setgroups \"deny\": %s", strerror(-r));
		return r;
	}
	r = iso_write_file("/proc/self/gid_map", "0 %d 1\n", (int)gid);
	if (r < 0) {
		snprintf(why, len, "write gid_map \"0 %d 1\": %s", (int)gid, strerror(-r));
		return r;
	}
	return 0;
}

int iso_userns_probe(char *why, size_t len)
{
	char buf[32];
	int fd[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (iso_read_file("/proc/sys/user/max_user_namespaces", buf, sizeof(buf)) >= 0 &&
	    !strcmp(buf, "0")) {
		snprintf(why, len, "user.max_user_namespaces is 0");
		return -ENOSPC;
	}
	if (pipe2(fd, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -errno;
	}
	if (pid == 0) {
		char w[160] = "";
		int r = iso_userns_enter(getuid(), getgid(), w, sizeof(w));

		if (r < 0 && write(fd[1], w, strlen(w)) < 0)
			_exit(2);
		_exit(r < 0);
	}
	close(fd[1]);
	n = read(fd[0], why, len - 1);
	close(fd[0]);
	why[n > 0 ? n : 0] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!why[0])
		snprintf(why, len, "the probe process failed");
	return -EPERM;
}
