#!/usr/bin/env python3
"""Writes crafted result documents for the compare tests into DIR.

base.json    3 cases, 3 benchmark operations (log-normal samples, fixed seed)
same.json    the same runs drawn again (A/A: different samples, same distribution)
slow20.json  one operation 20% slower
noise3.json  every operation 3% slower (within the 10% threshold)
flip.json    one case pass -> fail, one new skip
benchonly.json, runonly.json  a benchmark document and a conformance run (different kinds)
dropped.json one operation of base missing
injected.json one operation slowed on purpose (bench.injected), 20%
"""
import copy
import json
import random
import sys

out = sys.argv[1]
rng = random.Random(42)


def samples(median_ns, n=400, sigma=0.08):
    return [round(median_ns * rng.lognormvariate(0, sigma), 1) for _ in range(n)]


def doc(scale=None, verdicts=None):
    scale = scale or {}
    verdicts = verdicts or {}
    d = {
        "schema": "isobench-results", "schema_version": 1,
        "run": {"tag": "abc123", "started": "2026-11-22T00:00:00Z", "finished": "2026-11-22T00:01:00Z",
                "wall_ms": 60000.0, "mode": "cases", "complete": True, "argv": ["run"], "filters": []},
        "sysinfo": {"kernel": {"release": "6.1.0"}, "cgroup": {"mode": "v2"}},
        "summary": {"pass": 3, "fail": 0, "skip": 0, "broken": 0, "error": 0, "total": 3},
        "cases": [],
        "bench": {"profile": "quick", "results": []},
    }
    for cid in ("pidns.a", "pidns.b", "mntns.c"):
        v, reason = verdicts.get(cid, ("pass", ""))
        d["cases"].append({"id": cid, "suite": cid.split(".")[0], "verdict": v, "reason": reason,
                           "duration_ms": 1.0, "requirements": {"root": True}, "observed": {}})
    for op, med in (("baseline.getpid", 300.0), ("unshare.net.warm", 40000.0), ("clone.newpid.to_reaped", 90000.0)):
        s = samples(med * scale.get(op, 1.0))
        ss = sorted(s)
        d["bench"]["results"].append({"id": op, "group": op.split(".")[0], "status": "ok", "unit": "ns",
                                      "n": len(s), "stats": {"p50": ss[len(ss) // 2]}, "samples": s})
    return d


def write(name, d):
    with open(f"{out}/{name}", "w") as f:
        json.dump(d, f)


write("base.json", doc())
write("same.json", doc())
write("slow20.json", doc(scale={"unshare.net.warm": 1.2}))
write("noise3.json", doc(scale={"baseline.getpid": 1.03, "unshare.net.warm": 1.03, "clone.newpid.to_reaped": 1.03}))
write("flip.json", doc(verdicts={"pidns.b": ("fail", "PID 1 died of SIGTERM"), "mntns.c": ("skip", "needs kernel 9.9")}))
bad = doc()
bad["schema_version"] = 3
write("futureschema.json", bad)
bad = doc()
bad["run"]["complete"] = False
write("incomplete.json", bad)
with open(f"{out}/base.json") as f:
    text = f.read()
with open(f"{out}/truncated.json", "w") as f:
    f.write(text[: len(text) // 2])
write("notours.json", {"hello": "world"})
d = doc()
d["cases"] = []
d["run"]["mode"] = "bench"
write("benchonly.json", d)
d = doc()
del d["bench"]
write("runonly.json", d)
d = doc()
d["bench"]["results"] = [r for r in d["bench"]["results"] if r["id"] != "clone.newpid.to_reaped"]
write("dropped.json", d)
d = doc(scale={"unshare.net.warm": 1.2})
d["bench"]["injected"] = [{"op": "unshare.net.warm", "pct": 20.0}]
write("injected.json", d)
