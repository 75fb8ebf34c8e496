// SPDX-License-Identifier: MIT
/* Host description for results.json and `isobench sysinfo`. */
#include <dirent.h>
#include <errno.h>
#include <hwloc.h>
#include <jansson.h>
#include <libcpuid/libcpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cgroup.h"
#include "iso.h"
#include "kconfig.h"
#include "sysinfo.h"

/* A JSON string of s, or null for NULL or text that is not UTF-8. */
static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

static void strip_trailing_space(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* The content of a file (trailing whitespace stripped) as a JSON string, or null. */
static json_t *file_str(const char *path)
{
	_cleanup_free_ char *txt = NULL;

	if (iso_read_file_alloc(path, &txt) < 0)
		return json_null();
	strip_trailing_space(txt);
	return jstr(txt);
}

/* A "Key:   N kB" line of /proc/meminfo as an integer, or null. */
static json_t *meminfo_kib(const char *key)
{
	_cleanup_free_ char *txt = NULL;
	size_t klen = strlen(key);
	char *line, *save = NULL;

	if (iso_read_file_alloc("/proc/meminfo", &txt) < 0)
		return json_null();
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long long v;
		char *end;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		errno = 0;
		v = strtoll(line + klen + 1, &end, 10);
		if (errno || end == line + klen + 1)
			return json_null();
		return json_integer(v);
	}
	return json_null();
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Calls fn(name, arg) for each entry of dir not starting with '.', in sorted
 * order. Returns the number of entries or -errno.
 */
static int for_each_entry(const char *dir, void (*fn)(const char *name, void *arg), void *arg)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, skip_dots, alphasort);

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		fn(ents[i]->d_name, arg);
		free(ents[i]);
	}
	free(ents);
	return n;
}

static json_t *collect_isobench(void)
{
	json_t *o = json_object();

#ifdef ISO_VERSION
	json_object_set_new(o, "version", json_string(ISO_VERSION));
#else
	json_object_set_new(o, "version", json_null());
#endif
#ifdef ISO_GIT_REV
	json_object_set_new(o, "revision", json_string(ISO_GIT_REV));
#else
	json_object_set_new(o, "revision", json_null());
#endif
	return o;
}

static json_t *collect_kernel(const struct utsname *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "release", jstr(u ? u->release : NULL));
	json_object_set_new(o, "version", jstr(u ? u->version : NULL));
	json_object_set_new(o, "machine", jstr(u ? u->machine : NULL));
	json_object_set_new(o, "cmdline", file_str("/proc/cmdline"));
	return o;
}

/* PRETTY_NAME of os-release(5), unquoted, or null. */
static json_t *collect_distro(void)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };

	for (size_t i = 0; i < ISO_ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *txt = NULL;
		char *line, *save = NULL;

		if (iso_read_file_alloc(paths[i], &txt) < 0)
			continue;
		for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *v;
			size_t n;

			if (strncmp(line, "PRETTY_NAME=", 12))
				continue;
			v = line + 12;
			strip_trailing_space(v);
			n = strlen(v);
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v[n - 1] = '\0';
				v++;
			}
			return jstr(v);
		}
		return json_null();
	}
	return json_null();
}

/* True if the comma-separated list opts holds the option opt. */
static bool has_option(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, opt, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* Splits s at spaces into a JSON array of strings. */
static json_t *split_words(const char *s)
{
	_cleanup_free_ char *copy = strdup(s);
	json_t *a = json_array();
	char *w, *save = NULL;

	if (!copy)
		return json_null();
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		json_array_append_new(a, jstr(w));
	return a;
}

static json_t *collect_cgroup(void)
{
	const struct iso_cg_layout *l = iso_cg_layout_get();
	json_t *o = json_object(), *hiers, *v2;
	char buf[1024];

	if (!l) {
		json_object_set_new(o, "mode", json_null());
		json_object_set_new(o, "hierarchies", json_null());
		json_object_set_new(o, "controllers", json_null());
		json_object_set_new(o, "v2_options", json_null());
		return o;
	}
	json_object_set_new(o, "mode", jstr(iso_cg_mode_name(l->mode)));
	hiers = json_array();
	for (int i = 0; i < l->nhier && i < ISO_CG_MAX_HIER; i++) {
		const struct iso_cg_hier *h = &l->hier[i];

		json_array_append_new(hiers, json_pack("{s:i, s:o, s:o, s:o, s:o, s:o}", "version",
						       h->version, "controllers",
						       jstr(h->controllers), "name", jstr(h->name),
						       "mount", jstr(h->mnt), "self", jstr(h->self),
						       "options", jstr(h->options)));
	}
	json_object_set_new(o, "hierarchies", hiers);
	buf[0] = '\0';
	iso_cg_controllers_str(l, buf, sizeof(buf));
	json_object_set_new(o, "controllers", split_words(buf));
	if (l->v2 >= 0 && l->v2 < l->nhier) {
		const char *opts = l->hier[l->v2].options;

		v2 = json_pack("{s:b, s:b, s:b}", "nsdelegate", has_option(opts, "nsdelegate"),
			       "favordynmods", has_option(opts, "favordynmods"),
			       "memory_recursiveprot", has_option(opts, "memory_recursiveprot"));
	} else {
		v2 = json_null();
	}
	json_object_set_new(o, "v2_options", v2 ? v2 : json_null());
	return o;
}

static json_t *collect_cpu(void)
{
	static const char *const keys[] = {
		"vendor",
		"brand",
		"family",
		"model",
		"stepping",
		"ext_family",
		"ext_model",
		"codename",
		"cores",
		"logical_cpus",
		"total_logical_cpus",
	};
	struct cpu_raw_data_t raw;
	struct cpu_id_t id;
	json_t *o = json_object();
	const char *err = NULL;

	memset(&raw, 0, sizeof(raw));
	memset(&id, 0, sizeof(id));
	if (!cpuid_present())
		err = "no CPUID instruction on this CPU";
	else if (cpuid_get_raw_data(&raw) < 0 || cpu_identify(&raw, &id) < 0)
		err = cpuid_error();
	if (err) {
		for (size_t i = 0; i < ISO_ARRAY_SIZE(keys); i++)
			json_object_set_new(o, keys[i], json_null());
		json_object_set_new(o, "error", jstr(err));
		return o;
	}
	json_object_set_new(o, "vendor", jstr(id.vendor_str));
	json_object_set_new(o, "brand", jstr(id.brand_str));
	json_object_set_new(o, "family", json_integer(id.family));
	json_object_set_new(o, "model", json_integer(id.model));
	json_object_set_new(o, "stepping", json_integer(id.stepping));
	json_object_set_new(o, "ext_family", json_integer(id.ext_family));
	json_object_set_new(o, "ext_model", json_integer(id.ext_model));
	json_object_set_new(o, "codename", jstr(id.cpu_codename));
	json_object_set_new(o, "cores", json_integer(id.num_cores));
	json_object_set_new(o, "logical_cpus", json_integer(id.num_logical_cpus));
	json_object_set_new(o, "total_logical_cpus", json_integer(id.total_logical_cpus));
	json_object_set_new(o, "error", json_null());
	return o;
}

/* The number of objects of a type as JSON, or null when hwloc cannot say. */
static json_t *hw_count(hwloc_topology_t t, hwloc_obj_type_t type, int *out)
{
	int n = hwloc_get_nbobjs_by_type(t, type);

	*out = n;
	return n >= 0 ? json_integer(n) : json_null();
}

/* Size in KiB of the first cache object of a level, or null if there is none. */
static json_t *hw_cache_kib(hwloc_topology_t t, hwloc_obj_type_t type)
{
	hwloc_obj_t c = hwloc_get_obj_by_type(t, type, 0);

	if (!c || !c->attr)
		return json_null();
	return json_integer((json_int_t)(c->attr->cache.size / 1024));
}

static json_t *collect_topology(void)
{
	static const char *const keys[] = { "packages", "numa_nodes", "cores",	"pus",
					    "l1d_kib",	"l2_kib",     "l3_kib", "smt" };
	json_t *o = json_object();
	hwloc_topology_t t;
	int n, cores, pus;

	if (hwloc_topology_init(&t) < 0) {
		for (size_t i = 0; i < ISO_ARRAY_SIZE(keys); i++)
			json_object_set_new(o, keys[i], json_null());
	} else if (hwloc_topology_load(t) < 0) {
		hwloc_topology_destroy(t);
		for (size_t i = 0; i < ISO_ARRAY_SIZE(keys); i++)
			json_object_set_new(o, keys[i], json_null());
	} else {
		json_object_set_new(o, "packages", hw_count(t, HWLOC_OBJ_PACKAGE, &n));
		json_object_set_new(o, "numa_nodes", hw_count(t, HWLOC_OBJ_NUMANODE, &n));
		json_object_set_new(o, "cores", hw_count(t, HWLOC_OBJ_CORE, &cores));
		json_object_set_new(o, "pus", hw_count(t, HWLOC_OBJ_PU, &pus));
		json_object_set_new(o, "l1d_kib", hw_cache_kib(t, HWLOC_OBJ_L1CACHE));
		json_object_set_new(o, "l2_kib", hw_cache_kib(t, HWLOC_OBJ_L2CACHE));
		json_object_set_new(o, "l3_kib", hw_cache_kib(t, HWLOC_OBJ_L3CACHE));
		json_object_set_new(o, "smt",
				    cores > 0 && pus > 0 ? json_boolean(pus > cores) : json_null());
		hwloc_topology_destroy(t);
	}
	json_object_set_new(o, "smt_control", file_str("/sys/devices/system/cpu/smt/control"));
	return o;
}

struct dir_obj {
	const char *dir; /* directory the names are in */
	const char *prefix; /* key prefix ("user.") */
	json_t *obj;
};

/* Adds prefix+name -> content of dir/name to the object. */
static void add_file_entry(const char *name, void *arg)
{
	struct dir_obj *d = arg;
	char path[512], key[256];

	snprintf(path, sizeof(path), "%s/%s", d->dir, name);
	snprintf(key, sizeof(key), "%s%s", d->prefix, name);
	json_object_set_new(d->obj, key, file_str(path));
}

static json_t *collect_mitigations(void)
{
	struct dir_obj d = { "/sys/devices/system/cpu/vulnerabilities", "", json_object() };

	if (for_each_entry(d.dir, add_file_entry, &d) < 0) {
		json_decref(d.obj);
		return json_null();
	}
	return d.obj;
}

static json_t *collect_sysctls(void)
{
	static const char *const names[] = {
		"kernel.pid_max",
		"kernel.threads-max",
		"kernel.unprivileged_userns_clone",
		"kernel.apparmor_restrict_unprivileged_userns",
		"kernel.unprivileged_bpf_disabled",
		"vm.overcommit_memory",
		"vm.swappiness",
		"net.core.somaxconn",
		/* What bench --attribute may do (perf_event_open, kallsyms addresses). */
		"kernel.perf_event_paranoid",
		"kernel.kptr_restrict",
	};
	/* The user.max_*_namespaces limits the user namespace code knows of, null if absent. */
	static const char *const user_ns[] = { "user", "pid", "net",	"mnt",
					       "uts",  "ipc", "cgroup", "time" };
	struct dir_obj d = { "/proc/sys/user", "user.", json_object() };
	char path[256], key[128];

	for (size_t i = 0; i < ISO_ARRAY_SIZE(user_ns); i++) {
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", user_ns[i]);
		snprintf(key, sizeof(key), "user.max_%s_namespaces", user_ns[i]);
		json_object_set_new(d.obj, key, file_str(path));
	}
	for_each_entry(d.dir, add_file_entry, &d);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(names); i++) {
		char *p;

		snprintf(path, sizeof(path), "/proc/sys/%s", names[i]);
		for (p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		json_object_set_new(d.obj, names[i], file_str(path));
	}
	/*
	 * Not sysctls, but as much a setting of the kernel: rcu_expedited 1 turns every
	 * synchronize_rcu into an expedited one, which hides the grace-period waits of
	 * netns teardown and cgroup release (null when absent).
	 */
	json_object_set_new(d.obj, "sys.kernel.rcu_expedited",
			    file_str("/sys/kernel/rcu_expedited"));
	json_object_set_new(d.obj, "sys.kernel.rcu_normal", file_str("/sys/kernel/rcu_normal"));
	return d.obj;
}

/* Appends a namespace type; "*_for_children" links are not types of their own. */
static void add_ns(const char *name, void *arg)
{
	size_t n = strlen(name), s = strlen("_for_children");

	if (n > s && !strcmp(name + n - s, "_for_children"))
		return;
	json_array_append_new(arg, jstr(name));
}

static json_t *collect_namespaces(void)
{
	json_t *a = json_array();

	if (for_each_entry("/proc/self/ns", add_ns, a) < 0) {
		json_decref(a);
		return json_null();
	}
	return a;
}

static json_t *collect_kconfig(void)
{
	static const char *const opts[] = {
		"NAMESPACES",  "UTS_NS",     "IPC_NS",	       "USER_NS",
		"PID_NS",      "NET_NS",     "CGROUPS",	       "MEMCG",
		"CGROUP_PIDS", "CPUSETS",    "CGROUP_FREEZER", "BLK_CGROUP",
		"VETH",	       "OVERLAY_FS", "TIME_NS",	       "SECCOMP_FILTER",
	};
	const struct iso_kconfig *k = iso_kconfig_host();
	json_t *o = json_object();

	json_object_set_new(o, "source", jstr(iso_kconfig_source(k)));
	for (size_t i = 0; i < ISO_ARRAY_SIZE(opts); i++) {
		int v = iso_kconfig_get(k, opts[i]);
		char key[64], val[2] = { (char)v, '\0' };

		snprintf(key, sizeof(key), "CONFIG_%s", opts[i]);
		json_object_set_new(o, key, v > 0 ? jstr(val) : json_null());
	}
	return o;
}

static json_t *collect_cpufreq(void)
{
	return json_pack("{s:o, s:o}", "governor",
			 file_str("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
			 "driver", file_str("/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver"));
}

static json_t *collect_loadavg(void)
{
	char buf[256];
	double l[3];

	if (iso_read_file("/proc/loadavg", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lf %lf %lf", &l[0], &l[1], &l[2]) != 3)
		return json_null();
	return json_pack("[f, f, f]", l[0], l[1], l[2]);
}

/* Sets key to v, or to null when building v failed. */
static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

json_t *iso_sysinfo_collect(void)
{
	json_t *si = json_object();
	struct utsname u;
	bool have_uname = uname(&u) == 0;

	if (!si)
		return NULL;
	set(si, "isobench", collect_isobench());
	set(si, "kernel", collect_kernel(have_uname ? &u : NULL));
	set(si, "distro", collect_distro());
	set(si, "hostname", jstr(have_uname ? u.nodename : NULL));
	set(si, "cgroup", collect_cgroup());
	set(si, "cpu", collect_cpu());
	set(si, "topology", collect_topology());
	set(si, "mitigations", collect_mitigations());
	set(si, "sysctls", collect_sysctls());
	set(si, "namespaces", collect_namespaces());
	set(si, "kconfig", collect_kconfig());
	set(si, "cpufreq", collect_cpufreq());
	set(si, "loadavg", collect_loadavg());
	set(si, "memory_kib", meminfo_kib("MemTotal"));
	set(si, "swap_kib", meminfo_kib("SwapTotal"));
	set(si, "boot_id", file_str("/proc/sys/kernel/random/boot_id"));
	return si;
}

/* ---- printing ---- */

/* Renders v on one line: strings as they are, arrays space-separated, objects k=v. */
static void print_value(FILE *f, const json_t *v)
{
	const char *key;
	json_t *e;
	size_t i;
	bool first = true;

	switch (json_typeof(v)) {
	case JSON_STRING:
		fputs(json_string_value(v), f);
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(f, "%.2f", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", f);
		break;
	case JSON_FALSE:
		fputs("no", f);
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, e)
		{
			if (i)
				fputc(' ', f);
			print_value(f, e);
		}
		break;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, e)
		{
			fprintf(f, "%s%s=", first ? "" : " ", key);
			print_value(f, e);
			first = false;
		}
		break;
	case JSON_NULL:
	default:
		fputs("(unknown)", f);
		break;
	}
}

/* Prints a titled section of obj's members as "  key: value" with the values aligned. */
static void print_section(FILE *f, const char *title, const json_t *obj)
{
	const char *key;
	json_t *v;
	int width = 0;

	fprintf(f, "%s\n", title);
	if (!json_is_object(obj)) {
		fputs("  (unknown)\n", f);
		return;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		int n = (int)strlen(key);

		if (n > width)
			width = n;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		fprintf(f, "  %s:%*s ", key, width - (int)strlen(key), "");
		print_value(f, v);
		fputc('\n', f);
	}
}

/* Copies member key of src (or null) into dst under name. */
static void pick(json_t *dst, const char *name, const json_t *src, const char *key)
{
	json_t *v = json_is_object(src) ? json_object_get(src, key) : NULL;

	json_object_set(dst, name, v ? v : json_null());
}

void iso_sysinfo_print(FILE *f, const json_t *si)
{
	const json_t *kernel = json_object_get(si, "kernel"), *cg = json_object_get(si, "cgroup");
	const json_t *hiers = json_object_get(cg, "hierarchies"), *h;
	json_t *sec;
	size_t i;

	if (!json_is_object(si)) {
		fputs("(no system information)\n", f);
		return;
	}

	sec = json_object();
	pick(sec, "release", kernel, "release");
	pick(sec, "version", kernel, "version");
	pick(sec, "machine", kernel, "machine");
	pick(sec, "cmdline", kernel, "cmdline");
	pick(sec, "hostname", si, "hostname");
	pick(sec, "boot_id", si, "boot_id");
	pick(sec, "isobench", si, "isobench");
	print_section(f, "Kernel", sec);
	json_decref(sec);

	sec = json_object();
	pick(sec, "name", si, "distro");
	print_section(f, "Distro", sec);
	json_decref(sec);

	sec = json_object();
	pick(sec, "mode", cg, "mode");
	pick(sec, "controllers", cg, "controllers");
	pick(sec, "v2 options", cg, "v2_options");
	json_array_foreach(hiers, i, h)
	{
		const char *ctrl = json_string_value(json_object_get(h, "controllers"));
		const char *name = json_string_value(json_object_get(h, "name"));
		const char *mnt = json_string_value(json_object_get(h, "mount"));
		const char *self = json_string_value(json_object_get(h, "self"));
		char key[256], val[1200];

		int ver = (int)json_integer_value(json_object_get(h, "version"));

		/* "v1 cpu,cpuacct", "v1 name=systemd", "v2" */
		if (name && *name)
			snprintf(key, sizeof(key), "v%d name=%s", ver, name);
		else if (ver == 1 && ctrl && *ctrl)
			snprintf(key, sizeof(key), "v%d %s", ver, ctrl);
		else
			snprintf(key, sizeof(key), "v%d", ver);
		snprintf(val, sizeof(val), "%s (self %s)", mnt ? mnt : "?", self ? self : "?");
		json_object_set_new(sec, key, json_string(val));
	}
	print_section(f, "Cgroups", sec);
	json_decref(sec);

	/* The CPU section as collected, less a null "error". */
	sec = json_deep_copy(json_object_get(si, "cpu"));
	if (json_is_null(json_object_get(sec, "error")))
		json_object_del(sec, "error");
	print_section(f, "CPU", sec);
	json_decref(sec);
	print_section(f, "Topology", json_object_get(si, "topology"));

	sec = json_object();
	pick(sec, "memory_kib", si, "memory_kib");
	pick(sec, "swap_kib", si, "swap_kib");
	pick(sec, "loadavg", si, "loadavg");
	pick(sec, "cpufreq", si, "cpufreq");
	pick(sec, "namespaces", si, "namespaces");
	print_section(f, "System", sec);
	json_decref(sec);

	print_section(f, "Kconfig", json_object_get(si, "kconfig"));
	print_section(f, "Mitigations", json_object_get(si, "mitigations"));
	print_section(f, "Sysctls", json_object_get(si, "sysctls"));
}
