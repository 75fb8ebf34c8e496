// SPDX-License-Identifier: MIT
/*
 * Unit tests of the cgroup layer (harness/cgroup.c) against fake trees in a
 * temp dir: mode detection from mountinfo + /proc/self/cgroup, the v2 -> v1
 * knob table and its value translations.
 */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "iso.h"
#include "runner.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/isobench-check-cg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	iso_rm_rf(root);
}

static const char hybrid_mounts[] =
	"30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
	"31 30 0:27 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
	"32 30 0:28 / /sys/fs/cgroup/systemd rw shared:10 - cgroup cgroup rw,xattr,name=systemd\n"
	"33 30 0:29 / /sys/fs/cgroup/memory rw shared:11 - cgroup cgroup rw,memory\n"
	"34 30 0:30 / /sys/fs/cgroup/cpu,cpuacct rw shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
	"35 30 0:31 / /sys/fs/cgroup/pids rw shared:13 - cgroup cgroup rw,pids\n"
	"36 25 0:5 / /proc rw - proc proc rw\n";

static const char hybrid_self[] = "5:pids:/user.slice\n"
				  "4:cpu,cpuacct:/\n"
				  "3:memory:/user.slice/session-1.scope\n"
				  "2:name=systemd:/user.slice/session-1.scope\n"
				  "0::/user.slice/session-1.scope\n";

START_TEST(detect_hybrid)
{
	struct iso_cg_layout l;
	char buf[256], mi[300], pc[300];
	int i;

	put("mountinfo", hybrid_mounts);
	put("cgroup", hybrid_self);
	mk("sys/fs/cgroup/unified/user.slice/session-1.scope");
	put("sys/fs/cgroup/unified/user.slice/session-1.scope/cgroup.controllers", "hugetlb\n");
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, TMPFS_MAGIC), 0);
	ck_assert_int_eq(l.mode, ISO_CG_MODE_HYBRID);
	ck_assert_str_eq(iso_cg_mode_name(l.mode), "hybrid");
	ck_assert_int_eq(l.nhier, 5);
	ck_assert_int_ge(l.v2, 0);
	ck_assert_str_eq(l.hier[l.v2].controllers, "hugetlb");
	ck_assert_ptr_nonnull(strstr(l.hier[l.v2].options, "nsdelegate"));
	i = iso_cg_find_controller(&l, "memory");
	ck_assert_int_ge(i, 0);
	snprintf(buf, sizeof(buf), "%s/sys/fs/cgroup/memory/user.slice/session-1.scope", root);
	ck_assert_str_eq(l.hier[i].self, buf);
	i = iso_cg_find_controller(&l, "cpuacct");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(l.hier[i].controllers, "cpu,cpuacct");
	snprintf(buf, sizeof(buf), "%s/sys/fs/cgroup/cpu,cpuacct", root);
	ck_assert_str_eq(l.hier[i].self, buf);
	ck_assert_int_eq(iso_cg_controller_version(&l, "pids"), 1);
	ck_assert_int_eq(iso_cg_controller_version(&l, "hugetlb"), 2);
	ck_assert_int_eq(iso_cg_controller_version(&l, "io"), -ENOENT);
	iso_cg_controllers_str(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "hugetlb@v2 memory@v1 cpu@v1 cpuacct@v1 pids@v1");
}
END_TEST

START_TEST(detect_v2_and_v1)
{
	struct iso_cg_layout l;
	char mi[300], pc[300];

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	put("mountinfo",
	    "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
	put("cgroup", "0::/\n");
	mk("sys/fs/cgroup");
	put("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(l.mode, ISO_CG_MODE_V2);
	ck_assert_int_eq(iso_cg_controller_version(&l, "memory"), 2);
	ck_assert_int_eq(iso_cg_controller_version(&l, "io"), 2);
	/* The same from statfs alone. */
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, CGROUP2_SUPER_MAGIC), 0);
	ck_assert_int_eq(l.mode, ISO_CG_MODE_V2);

	put("mountinfo", "30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
			 "33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
			 "34 30 0:29 / /mnt/again rw - cgroup cgroup rw,memory\n");
	put("cgroup", "3:memory:/a\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, TMPFS_MAGIC), 0);
	ck_assert_int_eq(l.mode, ISO_CG_MODE_V1);
	ck_assert_int_eq(l.nhier, 1); /* a hierarchy mounted twice counts once */
	ck_assert_int_eq(l.v2, -1);

	put("mountinfo", "30 25 0:26 / /proc rw - proc proc rw\n");
	put("cgroup", "");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(l.mode, ISO_CG_MODE_NONE);
}
END_TEST

/* In a container the mount's root is a subtree: our path is relative to it. */
START_TEST(detect_container_root)
{
	struct iso_cg_layout l;
	char mi[300], pc[300], want[400];

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	put("mountinfo",
	    "30 25 0:26 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	put("cgroup", "3:memory:/docker/abc/inner\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/inner", root);
	ck_assert_str_eq(l.hier[0].self, want);
	/* A path outside the mount's root is not reachable: no self dir. */
	put("cgroup", "3:memory:/elsewhere\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_str_eq(l.hier[0].self, "");
}
END_TEST

/* Builds a v1 memory+cpu fake cgroup "g" and checks the v2 names map onto it. */
START_TEST(knob_table_v1)
{
	struct iso_cg_layout l;
	struct iso_cg *cg;
	char mi[300], pc[300], buf[128], path[600];
	int64_t v;

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	put("mountinfo", "33 30 0:29 / /cg/memory rw - cgroup cgroup rw,memory\n"
			 "34 30 0:30 / /cg/cpu rw - cgroup cgroup rw,cpu\n"
			 "35 30 0:31 / /cg/freezer rw - cgroup cgroup rw,freezer\n");
	put("cgroup", "3:memory:/\n4:cpu:/\n5:freezer:/\n");
	mk("cg/memory/g");
	mk("cg/cpu/g");
	mk("cg/freezer/g");
	put("cg/memory/g/memory.limit_in_bytes", "9223372036854771712\n");
	put("cg/memory/g/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	put("cg/memory/g/memory.failcnt", "7\n");
	put("cg/cpu/g/cpu.cfs_quota_us", "-1\n");
	put("cg/cpu/g/cpu.cfs_period_us", "100000\n");
	put("cg/cpu/g/cpu.shares", "1024\n");
	put("cg/freezer/g/freezer.state", "THAWED\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(iso_cg_open(&l, NULL, "g", &cg), 0);
	ck_assert_int_eq(cg->ndirs, 3);

	ck_assert_int_eq(iso_cg_read(cg, "memory.max", buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "max");
	ck_assert_int_eq(iso_cg_write(cg, "memory.max", "%d", 50 << 20), 0);
	snprintf(path, sizeof(path), "%s/cg/memory/g/memory.limit_in_bytes", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "52428800");
	ck_assert_int_eq(iso_cg_write(cg, "memory.max", "max"), 0);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-1");

	ck_assert_int_eq(iso_cg_write(cg, "cpu.max", "20000 50000"), 0);
	snprintf(path, sizeof(path), "%s/cg/cpu/g/cpu.cfs_quota_us", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "20000");
	iso_cg_read(cg, "cpu.max", buf, sizeof(buf));
	ck_assert_str_eq(buf, "20000 50000");
	ck_assert_int_eq(iso_cg_write(cg, "cpu.weight", "200"), 0);
	snprintf(path, sizeof(path), "%s/cg/cpu/g/cpu.shares", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2048");
	ck_assert_int_eq(iso_cg_write(cg, "cpu.weight", "0"), -EINVAL);

	ck_assert_int_eq(iso_cg_write(cg, "cgroup.freeze", "1"), 0);
	snprintf(path, sizeof(path), "%s/cg/freezer/g/freezer.state", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "FROZEN");
	iso_cg_read(cg, "cgroup.freeze", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1");
	ck_assert_int_eq(iso_cg_read_key(cg, "cgroup.events", "frozen", &v), 0);
	ck_assert_int_eq(v, 1);
	put("cg/freezer/g/freezer.state", "FREEZING\n");
	ck_assert_int_eq(iso_cg_read_key(cg, "cgroup.events", "frozen", &v), 0);
	ck_assert_int_eq(v, 0);

	ck_assert_int_eq(iso_cg_read_key(cg, "memory.events", "oom_kill", &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(iso_cg_read_key(cg, "memory.events", "max", &v), 0);
	ck_assert_int_eq(v, 7);
	/* v2-only knobs have no v1 equivalent; absent controllers are not supported. */
	ck_assert_int_eq(iso_cg_write(cg, "memory.high", "max"), -EOPNOTSUPP);
	ck_assert_int_eq(iso_cg_write(cg, "memory.oom.group", "1"), -EOPNOTSUPP);
	ck_assert_int_eq(iso_cg_write(cg, "pids.max", "10"), -EOPNOTSUPP);
	ck_assert_int_eq(iso_cg_knob_path(cg, "io.max", buf, sizeof(buf)), -EOPNOTSUPP);
	iso_cg_free(cg);
}
END_TEST

START_TEST(knob_table_v2)
{
	struct iso_cg_layout l;
	struct iso_cg *cg;
	char mi[300], pc[300], buf[600], want[600];

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	put("mountinfo", "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	put("cgroup", "0::/\n");
	mk("sys/fs/cgroup/g");
	put("sys/fs/cgroup/cgroup.controllers", "memory pids cpu\n");
	put("sys/fs/cgroup/g/memory.max", "max\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(iso_cg_open(&l, NULL, "g", &cg), 0);
	ck_assert_int_eq(iso_cg_write(cg, "memory.max", "max"), 0);
	iso_cg_read(cg, "memory.max", buf, sizeof(buf));
	ck_assert_str_eq(buf, "max");
	ck_assert_int_eq(iso_cg_knob_path(cg, "memory.oom.group", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/g/memory.oom.group", root);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(iso_cg_knob_path(cg, "cgroup.freeze", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/g/cgroup.freeze", root);
	ck_assert_str_eq(buf, want);
	ck_assert_str_eq(iso_cg_dir(cg, "pids"), iso_cg_dir(cg, NULL));
	ck_assert_ptr_null(iso_cg_dir(cg, "io"));
	iso_cg_free(cg);
}
END_TEST

/* io.max and io.stat in v2 names over v1 blkio (blkio.throttle.*) and over v2. */
START_TEST(knob_table_io)
{
	struct iso_cg_layout l;
	struct iso_cg *cg;
	char mi[300], pc[300], buf[256], path[600];
	int64_t v;

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(pc, sizeof(pc), "%s/cgroup", root);
	put("mountinfo", "38 30 0:35 / /cg/blkio rw - cgroup cgroup rw,blkio\n"
			 "41 30 0:38 / /cg/unified rw - cgroup2 cgroup2 rw\n");
	put("cgroup", "7:blkio:/\n0::/\n");
	mk("cg/blkio/g");
	mk("cg/unified/g");
	put("cg/unified/cgroup.controllers", "hugetlb\n");
	put("cg/blkio/g/blkio.throttle.read_bps_device", "");
	put("cg/blkio/g/blkio.throttle.write_bps_device", "");
	put("cg/blkio/g/blkio.throttle.read_iops_device", "");
	put("cg/blkio/g/blkio.throttle.write_iops_device", "");
	put("cg/blkio/g/blkio.throttle.io_service_bytes_recursive",
	    "7:0 Read 4096\n7:0 Write 1048576\n7:0 Sync 0\n8:0 Read 5\nTotal 1052677\n");
	put("cg/blkio/g/blkio.throttle.io_serviced_recursive", "7:0 Read 1\n7:0 Write 4\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(iso_cg_open(&l, NULL, "g", &cg), 0);

	/* One v2 line becomes one line per v1 file; "max" is 0 there. */
	ck_assert_int_eq(iso_cg_write(cg, "io.max", "7:0 rbps=2097152 wbps=max"), 0);
	snprintf(path, sizeof(path), "%s/cg/blkio/g/blkio.throttle.read_bps_device", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "7:0 2097152");
	snprintf(path, sizeof(path), "%s/cg/blkio/g/blkio.throttle.write_bps_device", root);
	iso_read_file(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "7:0 0");
	ck_assert_int_eq(iso_cg_write(cg, "io.max", "7:0 bogus=1"), -EOPNOTSUPP);
	ck_assert_int_eq(iso_cg_write(cg, "io.max", "rbps=1"), -EINVAL);
	/* Reading composes the four files back into v2 lines. */
	put("cg/blkio/g/blkio.throttle.write_bps_device", "7:0 1048576\n");
	put("cg/blkio/g/blkio.throttle.read_iops_device", "8:16 100\n");
	iso_cg_read(cg, "io.max", buf, sizeof(buf));
	ck_assert_str_eq(buf, "7:0 rbps=2097152 wbps=1048576 riops=max wiops=max\n"
			      "8:16 rbps=max wbps=max riops=100 wiops=max");

	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:0 rbytes", &v), 0);
	ck_assert_int_eq(v, 4096);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:0 wbytes", &v), 0);
	ck_assert_int_eq(v, 1048576);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:0 wios", &v), 0);
	ck_assert_int_eq(v, 4);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:1 rbytes", &v), 0);
	ck_assert_int_eq(v, 0);
	iso_cg_free(cg);

	/* v2: the device's line, field by field. */
	put("mountinfo", "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	put("cgroup", "0::/\n");
	mk("sys/fs/cgroup/g");
	put("sys/fs/cgroup/cgroup.controllers", "io memory\n");
	put("sys/fs/cgroup/g/io.stat", "7:0 rbytes=4096 wbytes=1048576 rios=1 wios=4 dbytes=0 "
				       "dios=0\n8:0 rbytes=9 wbytes=9 rios=9 wios=9\n");
	ck_assert_int_eq(iso_cg_layout_parse(&l, mi, pc, root, 0), 0);
	ck_assert_int_eq(iso_cg_open(&l, NULL, "g", &cg), 0);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:0 wbytes", &v), 0);
	ck_assert_int_eq(v, 1048576);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:0 wios", &v), 0);
	ck_assert_int_eq(v, 4);
	ck_assert_int_eq(iso_cg_read_key(cg, "io.stat", "7:9 wios", &v), 0);
	ck_assert_int_eq(v, 0);
	iso_cg_free(cg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("layout");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, detect_hybrid);
	tcase_add_test(tc, detect_v2_and_v1);
	tcase_add_test(tc, detect_container_root);
	tcase_add_test(tc, knob_table_v1);
	tcase_add_test(tc, knob_table_v2);
	tcase_add_test(tc, knob_table_io);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
