/* SPDX-License-Identifier: MIT */
/*
 * One cgroup API over v1, v2 and hybrid hierarchies, in v2 names.
 *
 * The layout (mode, where each controller lives, which cgroup isobench started
 * in) is detected once. A struct iso_cg is one logical cgroup: a directory in
 * each hierarchy it spans. Knobs are named as on v2 (memory.max, pids.max,
 * cpu.max, cgroup.procs, cgroup.freeze); a table maps them to v1 files where
 * an equivalent exists, and -EOPNOTSUPP says there is none on this host.
 */
#ifndef ISO_CGROUP_H
#define ISO_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum iso_cg_mode {
	ISO_CG_MODE_NONE = 0, /* no cgroupfs mounted */
	ISO_CG_MODE_V1, /* only v1 hierarchies */
	ISO_CG_MODE_HYBRID, /* v1 controllers plus a cgroup2 mount beside them */
	ISO_CG_MODE_V2, /* cgroup2 mounted at the root */
};

const char *iso_cg_mode_name(enum iso_cg_mode m);

#define ISO_CG_MAX_HIER 16
#define ISO_CG_PATH 512

/* One mounted hierarchy. */
struct iso_cg_hier {
	int version; /* 1 or 2 */
	char controllers
		[128]; /* v1: mount options' controllers ("cpu,cpuacct"); v2: cgroup.controllers */
	char name[64]; /* v1 name= option, "" if none */
	char mnt[ISO_CG_PATH]; /* mount point */
	char self[ISO_CG_PATH]; /* directory of the cgroup isobench started in */
	char options[256]; /* superblock options (nsdelegate, memory_recursiveprot, ...) */
};

struct iso_cg_layout {
	enum iso_cg_mode mode;
	int nhier;
	struct iso_cg_hier hier[ISO_CG_MAX_HIER];
	int v2; /* index of the cgroup2 hierarchy, or -1 */
};

/*
 * Detects the layout from a mountinfo file and a /proc/PID/cgroup file; prefix
 * is prepended to mount points (a fake tree in tests, "" for the real one).
 * root_magic is statfs(/sys/fs/cgroup).f_type, 0 when unknown. Returns 0 or
 * -errno.
 */
int iso_cg_layout_parse(struct iso_cg_layout *l, const char *mountinfo, const char *proc_cgroup,
			const char *prefix, long root_magic);
/* The real host's layout, detected once per process (statfs + /proc/self). */
const struct iso_cg_layout *iso_cg_layout_get(void);

/*
 * Into out: l's cgroup2 hierarchy alone (what a rootless run in a delegated subtree
 * uses), its start cgroup self instead of l's where self is not NULL. Returns 0, or
 * -ENOENT when l has no cgroup2 hierarchy.
 */
int iso_cg_layout_v2only(const struct iso_cg_layout *l, const char *self,
			 struct iso_cg_layout *out);
/* Index of the hierarchy that has controller ctrl ("memory"), or -ENOENT. */
int iso_cg_find_controller(const struct iso_cg_layout *l, const char *ctrl);
/* 1 or 2: the version of the hierarchy ctrl is on, or -ENOENT. */
int iso_cg_controller_version(const struct iso_cg_layout *l, const char *ctrl);
/* Space-separated list of available controllers with versions: "memory@v1 pids@v1 hugetlb@v2". */
void iso_cg_controllers_str(const struct iso_cg_layout *l, char *buf, size_t len);

struct iso_cg {
	const struct iso_cg_layout *layout;
	int ndirs;
	struct {
		int hier; /* index into layout->hier */
		char path[ISO_CG_PATH];
	} dir[ISO_CG_MAX_HIER];
};

/*
 * Creates cgroup `name` below parent (NULL: the cgroup isobench started in) in
 * every hierarchy the parent spans, or only those holding `controllers`
 * (space-separated; NULL or "" means all hierarchies, including the v2 one; the
 * named v1 "systemd" hierarchy is never used). On v2 the controllers are
 * enabled in the parent's cgroup.subtree_control. On v1 cpuset, cpus and mems
 * are copied from the parent. Returns 0 or -errno; *out is malloc'd.
 */
int iso_cg_create(const struct iso_cg_layout *l, const struct iso_cg *parent, const char *name,
		  const char *controllers, struct iso_cg **out);
/* Opens (does not create) an existing child by name. Returns 0 or -ENOENT. */
int iso_cg_open(const struct iso_cg_layout *l, const struct iso_cg *parent, const char *name,
		struct iso_cg **out);
/* Kills every process (recursively) and removes the directories (children first). NULL is fine. */
int iso_cg_destroy(struct iso_cg *cg);
/* Frees the handle without touching the kernel. */
void iso_cg_free(struct iso_cg *cg);
/* iso_cg_destroy for a cleanup attribute (a cgroup a case made below its own; NULL is fine). */
void iso_cg_destroyp(struct iso_cg **cg);
#define _cleanup_cg_ __attribute__((cleanup(iso_cg_destroyp)))

/* The directory of cg in the hierarchy of controller ctrl (NULL/"": v2 or first), or NULL. */
const char *iso_cg_dir(const struct iso_cg *cg, const char *ctrl);

/*
 * Writes / reads a knob named as on v2. Values are translated where the v1 file
 * differs ("max" <-> -1, cpu.max <-> cfs_quota_us/cfs_period_us, cpu.weight <->
 * cpu.shares, cgroup.freeze 1/0 <-> freezer.state FROZEN/THAWED, io.max
 * "MAJ:MIN rbps=N wbps=N riops=N wiops=N" <-> blkio.throttle.*_device, "max"
 * being 0 there). Returns 0 /
 * length, -EOPNOTSUPP when the knob has no equivalent here, or -errno.
 */
int iso_cg_write(const struct iso_cg *cg, const char *knob, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
ssize_t iso_cg_read(const struct iso_cg *cg, const char *knob, char *buf, size_t len);
/* The file a v2 knob maps to on this host (absolute), or -EOPNOTSUPP. */
int iso_cg_knob_path(const struct iso_cg *cg, const char *knob, char *buf, size_t len);
/*
 * Reads a counter from a keyed file by its v2 name: ("memory.events", "oom_kill")
 * reads memory.oom_control's oom_kill on v1; ("pids.events", "max") reads
 * pids.events on both; ("cgroup.events", "frozen") is freezer.state FROZEN
 * where cgroup.freeze maps to the v1 freezer; ("io.stat", "7:0 wbytes") reads
 * one field of a device's line (blkio.throttle.io_service_bytes/io_serviced
 * _recursive on v1; a device with no line there counts 0). Returns 0 or
 * -EOPNOTSUPP / -ENOENT / -errno.
 */
int iso_cg_read_key(const struct iso_cg *cg, const char *knob, const char *key, int64_t *out);

/* Moves pid (a whole thread group) into cg in every hierarchy it spans. Returns 0 or -errno. */
int iso_cg_attach(const struct iso_cg *cg, pid_t pid);
/* Number of processes in cg (its own, not descendants) in the hierarchy of ctrl; -errno. */
int iso_cg_nprocs(const struct iso_cg *cg, const char *ctrl);
/* Sends SIGKILL to every process in cg and below until none remain (cgroup.kill on v2,
 * freeze + kill loop on v1). Returns the number killed or -errno. */
int iso_cg_kill(const struct iso_cg *cg);
/* Collects the pids in cg and below (all hierarchies, deduplicated). Returns count or -errno. */
int iso_cg_pids(const struct iso_cg *cg, pid_t *pids, int max);

/*
 * cgroup v2's "no internal processes" rule: a cgroup other than the root that
 * hands controllers to its children holds no process of its own. A rootless run
 * starts inside its delegated cgroup (a systemd scope with Delegate=yes holds
 * isobench alone), so before its cgroups can have controllers it steps aside:
 * it moves itself into a leaf, run/name, then enables every controller the start
 * cgroup has in the start cgroup's cgroup.subtree_control. Step back undoes that
 * in reverse: run's and the start cgroup's subtree_control as they were, the
 * process back in the start cgroup (the leaf and run are then removed as usual).
 */
struct iso_cg_aside {
	struct iso_cg *leaf; /* where the process waits, or NULL when not aside */
	const struct iso_cg *run;
	char start[ISO_CG_PATH]; /* the start cgroup's v2 directory */
	char enabled[256]; /* controllers step aside enabled there ("memory pids") */
};
/*
 * Steps aside on run's v2 hierarchy. Returns 0; -EBUSY when the start cgroup
 * holds other processes too (why says which and what to do), or -errno.
 */
int iso_cg_step_aside(const struct iso_cg *run, const char *name, struct iso_cg_aside *a, char *why,
		      size_t len);
/* Undoes iso_cg_step_aside (nothing when not aside). Returns 0 or the first -errno. */
int iso_cg_step_back(struct iso_cg_aside *a);

/* True if /proc/self/cgroup lists the named v1 hierarchy (-o none,name=NAME). */
bool iso_cg_named_exists(const char *name);
/*
 * Makes sure a named v1 hierarchy is gone once its mounts are: a hierarchy whose
 * last child cgroup went just before the unmount stays alive, invisibly, so this
 * waits for the asynchronous destruction and else mounts it privately, kills and
 * removes its child cgroups (never the root's tasks) and unmounts, up to 5 times.
 * Returns 0 or -EBUSY.
 */
int iso_cg_named_destroy(const char *name);

/* Directory-level helpers, used by the runner and `isobench cleanup`. */
int iso_cg_dir_kill(const char *dir, int version);
int iso_cg_dir_remove(const char *dir, int version);

#endif
