#!/usr/bin/env python3
"""Run `sweep run CAMPAIGN --out DIR --workers 1` and attribute its CPU time to points.

Why: samples.csv has no per-sample CPU time, and points differ 100-fold in cost. With one worker the shards are
solved one after another, so the process CPU (utime + stime from /proc/PID/stat, polled every 0.5 s) spent between
two shards' finished_utc (campaign.db) belongs to the later shard. The first shard of the run also carries start-up
and JIT and is left out of the per-point figures (it is counted in the total). Standard library only.

Usage: tools/laws/cpu_per_point.py CAMPAIGN DIR OUT.txt [--nice N] [extra sweep args…]
"""
import datetime
import os
import sqlite3
import subprocess
import sys
import time

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime, stime are fields 14, 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def main():
    campaign, out, report = sys.argv[1], sys.argv[2], sys.argv[3]
    rest = sys.argv[4:]
    nice = "10"
    if rest[:1] == ["--nice"]:
        nice, rest = rest[1], rest[2:]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cmd = ["nice", "-n", nice, os.path.join(root, "sweep"), "run", campaign, "--out", out, "--workers", "1"] + rest
    start_wall = time.time()
    proc = subprocess.Popen(cmd)
    polls = []  # (unix time, cpu seconds)
    while proc.poll() is None:
        try:
            # nice execs sweep, which execs dotnet: the pid stays the process that does the work
            polls.append((time.time(), cpu_seconds(proc.pid)))
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.5)
    end_wall = time.time()
    if proc.returncode != 0:
        sys.exit(f"sweep run exited {proc.returncode}")
    total_cpu = polls[-1][1] if polls else float("nan")

    def cpu_at(t):
        # linear interpolation of the polled CPU time at unix time t
        prev = polls[0]
        for p in polls:
            if p[0] >= t:
                if p[0] == prev[0]:
                    return p[1]
                return prev[1] + (p[1] - prev[1]) * (t - prev[0]) / (p[0] - prev[0])
            prev = p
        return polls[-1][1]

    db = sqlite3.connect(os.path.join(out, "campaign.db"))
    rows = db.execute("select point, shard, count, finished_utc from shards").fetchall()

    def unix(s):
        s = s.rstrip("Z")
        head, frac = (s.split(".") + ["0"])[:2]
        d = datetime.datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
        return d.timestamp() + float("0." + frac)

    shards = sorted((unix(f), p, s, c) for p, s, c, f in rows)
    per_point = {}
    prev_t = None
    for t, p, s, c in shards:
        if prev_t is not None and prev_t >= polls[0][0]:
            cpu = cpu_at(t) - cpu_at(prev_t)
            acc = per_point.setdefault(p, [0, 0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += c
            acc[2] += cpu
            acc[3] += t - prev_t
        prev_t = t
    with open(report, "w") as f:
        f.write(f"# CPU per point, {os.path.basename(campaign)}, {' '.join(cmd[2:])}\n")
        f.write(f"# run {datetime.datetime.fromtimestamp(start_wall, datetime.timezone.utc):%Y-%m-%d %H:%M:%S}"
                f"-{datetime.datetime.fromtimestamp(end_wall, datetime.timezone.utc):%H:%M:%S} UTC, "
                f"wall {end_wall - start_wall:.1f} s, process CPU {total_cpu:.1f} s (start-up and JIT included)\n")
        f.write("# method: tools/laws/cpu_per_point.py (process utime+stime polled every 0.5 s, interpolated at each "
                "shard's finished_utc; the first shard of the run, which carries start-up, is not attributed)\n")
        f.write("point shards_timed samples_timed cpu_s_per_sample wall_s_per_sample\n")
        for p in sorted(per_point):
            n, c, cpu, wall = per_point[p]
            f.write(f"{p} {n} {c} {cpu / c:.4f} {wall / c:.4f}\n")
    print(open(report).read())

if __name__ == "__main__":
    main()
