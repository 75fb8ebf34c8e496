#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what isobench needs, builds it from the synced tree (/isobench), runs the
# conformance suites, their negative controls and the benchmarks, and leaves the results in
# /var/tmp/isobench-vagrant/out for the Vagrantfile's trigger to copy to the host.
# Environment (set by the Vagrantfile): ISOBENCH_BOX, ISOBENCH_BOX_IMAGE, ISOBENCH_CGROUP,
# ISOBENCH_HOST_REV, ISOBENCH_BENCH (quick|full|none), ISOBENCH_FILTER (comma-separated globs);
# ISOBENCH_SRC and ISOBENCH_VAGRANT_DIR move the tree and the work folder (to try it on a host).
# Exits 0 even when cases fail, so that the results are fetched; vagrant/run-boxes judges them.
set -uo pipefail
box=${ISOBENCH_BOX:-$(hostname)}
src=${ISOBENCH_SRC:-/isobench}
top=${ISOBENCH_VAGRANT_DIR:-/var/tmp/isobench-vagrant}
build=$top/build
out=$top/out
step() { printf '\n==> [%s] %s\n' "$box" "$*"; }

# shellcheck disable=SC1091
. /etc/os-release
step "dependencies ($PRETTY_NAME, kernel $(uname -r))"
case " $ID ${ID_LIKE:-} " in
*" debian "* | *" ubuntu "*)
	export DEBIAN_FRONTEND=noninteractive
	if [ "$ID" = ubuntu ]; then
		apt-get update -q >/dev/null
		apt-get install -y -q software-properties-common >/dev/null
		add-apt-repository -y universe >/dev/null
	fi
	bash "$src/ci/install-deps" || exit 1
	;;
*" fedora "* | *" rhel "* | *" centos "*)
	if [ "$ID" != fedora ]; then
		# EL: libcpuid and check live in EPEL; their build deps in PowerTools/CRB.
		dnf install -y -q epel-release dnf-plugins-core || exit 1
		dnf config-manager --set-enabled powertools 2>/dev/null || dnf config-manager --set-enabled crb || true
	fi
	dnf install -y -q gcc make cmake pkgconf-pkg-config git check-devel jansson-devel hwloc-devel \
		libcpuid-devel libmnl-devel zlib-devel systemd-devel gnuplot iproute procps-ng kmod \
		util-linux python3 || exit 1
	;;
*)
	echo "isobench.sh: no dependency recipe for $ID; install them by hand (see ci/install-deps)" >&2
	exit 1
	;;
esac

step "build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$build" -j"$(nproc)" 2>&1 | tail -3
bin=$build/isobench
[ -x "$bin" ] || exit 1

rm -rf "$out"
mkdir -p "$out"
filters=()
IFS=, read -r -a globs <<<"${ISOBENCH_FILTER:-}"
for g in "${globs[@]}"; do [ -n "$g" ] && filters+=(--filter "$g"); done
status() { echo "$1=$2" >>"$out/status"; }
status box "$box"
status cgroup_asked "$ISOBENCH_CGROUP"

step "sysinfo"
"$bin" sysinfo
"$bin" sysinfo --json >"$out/sysinfo.json"
mode=$("$bin" sysinfo | awk '$1 == "mode:" {print $2; exit}')
status cgroup_seen "$mode"
if [ "$ISOBENCH_CGROUP" != native ] && [ "$mode" != "$ISOBENCH_CGROUP" ]; then
	echo "isobench.sh: WARNING: asked for cgroup $ISOBENCH_CGROUP, the box runs $mode" >&2
fi
# Where the run happened, stamped into every results document (run.environment).
envs=(--env vm=vagrant --env "box=$box" --env "box_image=${ISOBENCH_BOX_IMAGE:-}"
	--env "cgroup_mode=$mode" --env "cgroup_asked=${ISOBENCH_CGROUP:-}"
	--env "kernel_release=$(uname -r)" --env "source_rev=${ISOBENCH_HOST_REV:-}")
virt=$(systemd-detect-virt 2>/dev/null) && [ -n "$virt" ] && envs+=(--env "hypervisor=$virt")

t0=$(date +%s)
step "conformance suites"
"$bin" run --out "$out/run" --junit "$out/junit.xml" "${envs[@]}" "${filters[@]}" | tee "$out/run.ktap"
status run "${PIPESTATUS[0]}"
step "negative controls"
"$bin" run --controls --out "$out/controls" "${envs[@]}" "${filters[@]}" | tee "$out/controls.ktap"
status controls "${PIPESTATUS[0]}"
if [ "${ISOBENCH_BENCH:-quick}" != none ]; then
	step "benchmarks (${ISOBENCH_BENCH:-quick})"
	"$bin" bench --profile "${ISOBENCH_BENCH:-quick}" --out "$out/bench" "${envs[@]}" | tee "$out/bench.txt"
	status bench "${PIPESTATUS[0]}"
fi
status wall_s $(($(date +%s) - t0))

# The documents where the Vagrantfile's trigger picks them up.
for pair in run:results controls:controls bench:bench; do
	[ -s "$out/${pair%%:*}/results.json" ] && cp "$out/${pair%%:*}/results.json" "$out/${pair#*:}.json"
done
chmod -R a+rX "$top"
step "done: $(tr '\n' ' ' <"$out/status")"
exit 0
