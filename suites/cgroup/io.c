// SPDX-License-Identifier: MIT
/*
 * cgroup.io: per-cgroup I/O accounting (io.stat; blkio.throttle.io_service_bytes
 * on v1) and throttling (io.max; blkio.throttle.{read,write}_bps_device on v1).
 * Documentation/admin-guide/cgroup-v2.rst "IO",
 * Documentation/admin-guide/cgroup-v1/blkio-controller.rst.
 *
 * Each case sets up its own loop device over a file in its directory, does
 * O_DIRECT reads and writes on it from a child, and detaches the device before it
 * returns (LO_FLAGS_AUTOCLEAR detaches it too if the case is killed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/loop.h>

#include "cgcpu_util.h"

#define MIB (1024 * 1024)
#define CHUNK (256 * 1024)

struct loopdev {
	int fd;
	char path[32];
	unsigned int maj, min;
};

/* Binds a free loop device to backing. Returns 0 or -errno. */
static int loop_attach(const struct iso_ctx *ctx, const char *backing, struct loopdev *lo)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	_cleanup_close_ int bfd = -1;
	struct stat st;

	lo->fd = -1;
	if (ctl < 0)
		return -errno;
	bfd = open(backing, O_RDWR | O_CLOEXEC);
	if (bfd < 0)
		return -errno;
	/* Other programs grab loop devices too: retry when ours was taken first. */
	for (int tries = 0; tries < 20; tries++) {
		struct loop_config cfg = { .fd = (unsigned int)bfd };
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd, err;

		if (n < 0)
			return -errno;
		snprintf(lo->path, sizeof(lo->path), "/dev/loop%d", n);
		fd = open(lo->path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT)
				return -errno;
			iso_sleep_ms(iso_ctx_ms(ctx, 10)); /* the node is still being made */
			continue;
		}
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0)
			goto bound;
		err = errno;
		if (err == EINVAL || err == ENOTTY) {
			/* Before 5.8: no LOOP_CONFIGURE. */
			struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };

			if (ioctl(fd, LOOP_SET_FD, bfd) == 0) {
				if (ioctl(fd, LOOP_SET_STATUS64, &info) == 0)
					goto bound;
				err = errno;
				ioctl(fd, LOOP_CLR_FD, 0);
				close(fd);
				return -err;
			}
			err = errno;
		}
		close(fd);
		if (err != EBUSY)
			return -err;
		continue;
bound:
		if (fstat(fd, &st) < 0) {
			err = errno;
			ioctl(fd, LOOP_CLR_FD, 0);
			close(fd);
			return -err;
		}
		lo->fd = fd;
		lo->maj = major(st.st_rdev);
		lo->min = minor(st.st_rdev);
		return 0;
	}
	return -EBUSY;
}

static void loop_detach(struct loopdev *lo)
{
	if (lo->fd < 0)
		return;
	ioctl(lo->fd, LOOP_CLR_FD, 0);
	close(lo->fd);
	lo->fd = -1;
}

/* Makes the backing file and the loop device; returns ISO_PASS or the verdict. */
static enum iso_verdict loop_setup(struct iso_ctx *ctx, struct loopdev *lo, size_t size)
{
	char backing[4096];
	int fd, r;

	lo->fd = -1;
	snprintf(backing, sizeof(backing), "%s/loop-backing.img", iso_ctx_dir(ctx));
	fd = open(backing, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return iso_broken(ctx, -errno, "create %s", backing);
	r = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return iso_broken(ctx, r, "size %s", backing);
	r = loop_attach(ctx, backing, lo);
	if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
		return iso_skip(ctx,
				"no loop device can be made (/dev/loop-control: %s): load "
				"the loop driver (modprobe loop, CONFIG_BLK_DEV_LOOP)",
				strerror(-r));
	if (r == -EPERM || r == -EACCES)
		return iso_skip(ctx,
				"loop devices are not permitted here (%s): needs "
				"CAP_SYS_ADMIN on the host's /dev/loop-control",
				strerror(-r));
	if (r < 0)
		return iso_broken(ctx, r, "set up a loop device over %s", backing);
	iso_note(ctx, "loop_device", "%s (%u:%u)", lo->path, lo->maj, lo->min);
	return ISO_PASS;
}

/* What the I/O child does and what it measured, in shared memory. */
struct io_job {
	char dev[32];
	size_t wbytes, rbytes;
	double wsec, rsec;
	int err;
	char step[32];
};

static int io_main(void *arg)
{
	struct io_job *job = arg;
	void *buf = NULL;
	uint64_t t0;
	int fd = open(job->dev, O_RDWR | O_DIRECT | O_CLOEXEC);

	snprintf(job->step, sizeof(job->step), "open O_DIRECT");
	if (fd < 0 || posix_memalign(&buf, 4096, CHUNK)) {
		job->err = errno ? errno : ENOMEM;
		return 1;
	}
	memset(buf, 0x5a, CHUNK);
	snprintf(job->step, sizeof(job->step), "O_DIRECT write");
	t0 = iso_now_ns();
	for (size_t off = 0; off < job->wbytes; off += CHUNK)
		if (pwrite(fd, buf, CHUNK, (off_t)off) != CHUNK) {
			job->err = errno ? errno : EIO;
			return 1;
		}
	job->wsec = (double)(iso_now_ns() - t0) / 1e9;
	snprintf(job->step, sizeof(job->step), "O_DIRECT read");
	t0 = iso_now_ns();
	for (size_t off = 0; off < job->rbytes; off += CHUNK)
		if (pread(fd, buf, CHUNK, (off_t)off) != CHUNK) {
			job->err = errno ? errno : EIO;
			return 1;
		}
	job->rsec = (double)(iso_now_ns() - t0) / 1e9;
	free(buf);
	close(fd);
	return 0;
}

/*
 * Runs the job in a child moved into cg (NULL: left outside), waiting up to timeout_ms
 * (times --timeout-mul) for it. Returns 0 or -errno.
 */
static int run_job(struct iso_ctx *ctx, struct io_job *job, const struct iso_cg *cg,
		   unsigned int timeout_ms)
{
	pid_t pid = cgcpu_spawn_in(ctx, cg, io_main, job);
	int st, r;

	if (pid < 0)
		return pid;
	r = iso_wait_timeout(pid, &st, iso_ctx_ms(ctx, timeout_ms));
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return job->err ? -job->err : -EIO;
	return 0;
}

static enum iso_verdict no_io_knob(struct iso_ctx *ctx, const char *knob, int r)
{
	return iso_skip(ctx,
			"%s is not available here (%s): enable the io controller (v2: +io "
			"in the parents' cgroup.subtree_control) or mount the blkio hierarchy "
			"(v1, CONFIG_BLK_DEV_THROTTLING)",
			knob, strerror(-r));
}

/*
 * v1 blkio.throttle.io_service_bytes is counted by blk-throttle for the bios it
 * looks at, and which those are depends on the kernel: on 6.1 only bios of a
 * cgroup with a limit on the device (a "0" rule, no limit, is not enough), and
 * since 6.10 ("blk-throttle: delay initialization until configuration") nothing
 * on a queue that never had a rule. Without a limit the v1 counters stay 0
 * whatever I/O is done. So on v1 the case sets limits of 1 TiB/s, which never
 * throttle. v2 io.stat counts every bio. Returns 0 or -errno.
 */
static int v1_enable_accounting(const struct iso_cg *cg, const struct loopdev *lo)
{
	if (iso_cg_controller_version(cg->layout, "blkio") != 1)
		return 0;
	return iso_cg_write(cg, "io.max", "%u:%u rbps=%llu wbps=%llu", lo->maj, lo->min, 1ULL << 40,
			    1ULL << 40);
}

/*
 * O_DIRECT I/O by a task in the cgroup shows up in the cgroup's io.stat for that
 * device: after 1 MiB written and 1 MiB read, wbytes and rbytes are each at least
 * 1 MiB (cgroup-v2.rst "io.stat"; blkio-controller.rst
 * blkio.throttle.io_service_bytes on v1).
 * Control: the same I/O from a task outside the cgroup; its io.stat stays 0.
 */
static enum iso_verdict stat_accounts_direct_io(struct iso_ctx *ctx)
{
	bool inside = !iso_ctx_is_control(ctx);
	struct loopdev lo = { .fd = -1 };
	struct iso_cg *cg = NULL;
	struct io_job *job = MAP_FAILED;
	int64_t wb = 0, rb = 0;
	char key[48];
	enum iso_verdict v;
	int r = cgcpu_create(ctx, NULL, "io", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	r = iso_cg_read_key(cg, "io.stat", "0:0 rbytes", &wb);
	if (r < 0) {
		v = no_io_knob(ctx, "io.stat", r);
		goto out;
	}
	v = loop_setup(ctx, &lo, 4 * MIB);
	if (v != ISO_PASS)
		goto out;
	r = v1_enable_accounting(cg, &lo);
	if (r == 0 && iso_cg_controller_version(cg->layout, "blkio") == 1)
		iso_note(ctx, "v1_accounting", "needs a limit: rbps=wbps=1 TiB/s set");
	if (r < 0) {
		v = r == -EOPNOTSUPP || r == -ENOENT ? no_io_knob(ctx, "io.max", r) :
						       iso_broken(ctx, r, "write io.max");
		goto out;
	}
	job = mmap(NULL, sizeof(*job), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job == MAP_FAILED) {
		v = iso_broken(ctx, -errno, "mmap");
		goto out;
	}
	snprintf(job->dev, sizeof(job->dev), "%s", lo.path);
	job->wbytes = job->rbytes = MIB;
	r = run_job(ctx, job, inside ? cg : NULL, 10000);
	if (r < 0) {
		v = iso_broken(ctx, r, "%s on %s", job->step, lo.path);
		goto out;
	}
	snprintf(key, sizeof(key), "%u:%u wbytes", lo.maj, lo.min);
	r = iso_cg_read_key(cg, "io.stat", key, &wb);
	snprintf(key, sizeof(key), "%u:%u rbytes", lo.maj, lo.min);
	if (r == 0)
		r = iso_cg_read_key(cg, "io.stat", key, &rb);
	if (r < 0) {
		v = iso_broken(ctx, r, "read io.stat");
		goto out;
	}
	iso_note(ctx, "wbytes", "%lld", (long long)wb);
	iso_note(ctx, "rbytes", "%lld", (long long)rb);
	if (wb < MIB || rb < MIB)
		v = iso_fail(ctx,
			     "io.stat of the cgroup shows wbytes=%lld rbytes=%lld for %u:%u after "
			     "1 MiB of O_DIRECT writes and reads by a task %s it (expected >= %d "
			     "each)",
			     (long long)wb, (long long)rb, lo.maj, lo.min,
			     inside ? "in" : "outside", MIB);
	else
		v = ISO_PASS;
out:
	loop_detach(&lo);
	if (job != MAP_FAILED)
		munmap(job, sizeof(*job));
	iso_cg_free(cg);
	return v;
}

#define CAP_BPS (2 * MIB)

/*
 * io.max "MAJ:MIN rbps=2MiB wbps=2MiB" caps a task's O_DIRECT throughput on that
 * device: 3 MiB written takes at least 1.0 s and 2 MiB read at least 0.6 s
 * (nominal 1.5 s and 1.0 s; the tolerance of a third allows for the bytes a
 * throttle slice lets through at once). cgroup-v2.rst "io.max";
 * blkio-controller.rst blkio.throttle.{read,write}_bps_device on v1.
 * Control: io.max "rbps=max wbps=max"; the same I/O takes milliseconds.
 */
static enum iso_verdict max_caps_throughput(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	struct loopdev lo = { .fd = -1 };
	struct iso_cg *cg = NULL;
	struct io_job *job = MAP_FAILED;
	char buf[256];
	enum iso_verdict v;
	int r = cgcpu_create(ctx, NULL, "io", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	r = iso_cg_knob_path(cg, "io.max", buf, sizeof(buf));
	if (r < 0 || access(buf, W_OK) < 0) {
		v = no_io_knob(ctx, "io.max", r < 0 ? r : -errno);
		goto out;
	}
	v = loop_setup(ctx, &lo, 4 * MIB);
	if (v != ISO_PASS)
		goto out;
	if (limit)
		r = iso_cg_write(cg, "io.max", "%u:%u rbps=%d wbps=%d", lo.maj, lo.min, CAP_BPS,
				 CAP_BPS);
	else
		r = iso_cg_write(cg, "io.max", "%u:%u rbps=max wbps=max", lo.maj, lo.min);
	if (r < 0) {
		v = iso_broken(ctx, r, "write io.max");
		goto out;
	}
	if (iso_cg_read(cg, "io.max", buf, sizeof(buf)) >= 0)
		iso_note(ctx, "io.max", "%s", buf);
	job = mmap(NULL, sizeof(*job), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job == MAP_FAILED) {
		v = iso_broken(ctx, -errno, "mmap");
		goto out;
	}
	snprintf(job->dev, sizeof(job->dev), "%s", lo.path);
	job->wbytes = 3 * MIB;
	job->rbytes = 2 * MIB;
	r = run_job(ctx, job, cg, 12000);
	if (r < 0) {
		v = iso_broken(ctx, r, "%s on %s", job->step, lo.path);
		goto out;
	}
	iso_note(ctx, "write_s", "%.3f", job->wsec);
	iso_note(ctx, "read_s", "%.3f", job->rsec);
	iso_log(ctx, "3 MiB written in %.3f s, 2 MiB read in %.3f s", job->wsec, job->rsec);
	if (job->wsec < 1.0 || job->rsec < 0.6)
		v = iso_fail(
			ctx,
			"under io.max %s: 3 MiB O_DIRECT written in %.3f s (expected >= 1.0 s, "
			"nominal 1.5), 2 MiB read in %.3f s (expected >= 0.6 s, nominal 1.0)",
			limit ? "rbps=wbps=2 MiB/s" : "rbps=wbps=max", job->wsec, job->rsec);
	else
		v = ISO_PASS;
out:
	loop_detach(&lo);
	if (job != MAP_FAILED)
		munmap(job, sizeof(*job));
	iso_cg_free(cg);
	return v;
}

static const struct iso_case cases[] = {
	ISO_CASE(stat_accounts_direct_io,
		 .doc = "O_DIRECT I/O by a member shows in the cgroup's io.stat "
			"(blkio.throttle.io_service_bytes on v1) (cgroup-v2.rst io.stat, "
			"blkio-controller.rst)",
		 .timeout_ms = 15000,
		 .req = { .root = true,
			  .root_for = "a loop device (/dev/loop-control) to do its I/O on",
			  .kconfig = "BLK_DEV_LOOP BLK_CGROUP" }),
	ISO_CASE(max_caps_throughput,
		 .doc = "io.max rbps/wbps (blkio.throttle.*_bps_device on v1) caps O_DIRECT "
			"throughput (cgroup-v2.rst io.max, blkio-controller.rst)",
		 .timeout_ms = 20000,
		 .req = { .root = true,
			  .root_for = "a loop device (/dev/loop-control) to do its I/O on",
			  .kconfig = "BLK_DEV_LOOP BLK_DEV_THROTTLING" }),
};

const struct iso_suite iso_suite_cgroup_io = ISO_SUITE("cgroup.io", cases);
