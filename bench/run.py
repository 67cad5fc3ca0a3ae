#!/usr/bin/env python3
# bench/run.py: rdp-doctor-cli against nmap and sslscan, side by side, on the
# same servers, in a network namespace of its own; writes bench/RESULTS.md.
#
# Run it through ./bench/run.sh (installs, builds, then runs this). What it
# measures and how to read the results: bench/README.md.
#
# The outer process (this file run normally) gathers the machine's facts,
# runs the measurements in a fresh network namespace (this file again, with
# --inner, under `unshare --net`), runs bench/wizard.py when there is one,
# and writes the report. Nothing here sends a packet outside the namespace:
# it has a loopback interface and nothing else.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import datetime
import ipaddress
import json
import os
import platform
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PORT = 3389            # the namespace is ours: every server sits on the real RDP port
DEADLINE_S = 5.0       # rdp-doctor-cli's default per-check deadline (--timeout)
NFT_TABLE = "rdbench"

NMAP_SCRIPTS = "rdp-enum-encryption,rdp-ntlm-info"
# nmap's defaults keep its scripts to a few hosts at a time; a user who
# scans a fleet may lift that. Both are measured.
NMAP_TUNED = ["--max-parallelism", "1000"]
TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")

# ---- scenarios ------------------------------------------------------------------------

# server: scripted server options (None: nothing listens); xrdp: an xrdp-lib.sh
# configuration; drop: an nft rule drops the SYNs; fleet: that many hosts.
SCENARIOS = [
    dict(id="healthy", title="Healthy host",
         what="scripted server, behaviour `windows`: TLS 1.2/1.3 and NLA, like a Windows host "
              "with NLA available",
         server=["-b", "windows"], tools=["ours", "nmap", "sslscan"]),
    dict(id="nla", title="NLA host",
         what="scripted server, behaviour `nla-enforced`: refuses every offer without NLA",
         server=["-b", "nla-enforced"], tools=["ours", "nmap", "sslscan"]),
    dict(id="tls10", title="TLS 1.0-only host",
         what="scripted server, behaviour `windows --tls-versions 1.0`: a host this machine's "
              "OpenSSL policy refuses to talk TLS to",
         server=["-b", "windows", "--tls-versions", "1.0"], tools=["ours", "nmap", "sslscan"]),
    dict(id="xrdp", title="Real xrdp",
         what="xrdp (Debian package), `security_layer=negotiate`, TLS 1.2/1.3, no NLA "
              "(configuration `negotiate` of tests/integration/xrdp-lib.sh)",
         xrdp="negotiate", tools=["ours", "nmap", "sslscan"]),
    dict(id="xrdp-tls", title="Real xrdp, TLS only",
         what="xrdp, `security_layer=tls`, TLS 1.2/1.3 (configuration `tls` of "
              "tests/integration/xrdp-lib.sh); sslscan's view is the same as on the one above",
         xrdp="tls", tools=["ours", "nmap"]),
    dict(id="filtered", title="Filtered port",
         what="scripted server behind an nft rule that drops every SYN to the port",
         server=["-b", "windows"], drop=True, tools=["ours", "nmap"]),
    dict(id="closed", title="Closed port",
         what="nothing listens on the port (the kernel answers RST)",
         server=None, tools=["ours", "nmap"]),
    dict(id="fleet-200", title="Fleet of 200 hosts",
         what="one scripted server (`windows`) listening on 127.0.0.1–127.0.0.200, "
              "the same list for both tools",
         fleet=200, tools=["ours-fleet", "nmap-fleet", "nmap-fleet-tuned"]),
    dict(id="fleet-1000", title="Fleet of 1000 hosts",
         what="one scripted server (`windows`) listening on 127.0.0.1–127.0.3.232, "
              "the same list for both tools",
         fleet=1000, tools=["ours-fleet", "nmap-fleet", "nmap-fleet-tuned"]),
]
SCENARIO_IDS = [s["id"] for s in SCENARIOS]

TOOL_NAMES = {
    "ours": "rdp-doctor-cli", "ours-fleet": "rdp-doctor-cli",
    "nmap": "nmap", "nmap-fleet": "nmap", "sslscan": "sslscan",
    "nmap-fleet-tuned": "nmap " + " ".join(NMAP_TUNED),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- what each tool said ----------------------------------------------------------------

def ours_reports(text):
    """The per-host reports in rdp-doctor-cli's JSON: one document, one
    document per line, or reports nested in a fleet document."""
    docs = []
    try:
        docs.append(json.loads(text))
    except ValueError:
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    docs.append(json.loads(line))
                except ValueError:
                    pass
    reports = []

    def walk(x):
        if isinstance(x, dict):
            if "checks" in x and "causes" in x:
                reports.append(x)
                return
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    for d in docs:
        walk(d)
    return reports


def summarise_ours(report):
    causes = [c.get("id") for c in report.get("causes", [])]
    ev = {c.get("id"): c.get("evidence") or {} for c in report.get("checks", [])}
    protocols = ev.get("negotiation", {}).get("protocols") or {}
    versions = ev.get("tls", {}).get("versions") or {}
    ntlm = ev.get("credssp", {}).get("ntlm") or {}
    return causes, protocols, versions, ntlm


def check_ours(scn, text, rc, wall):
    reports = ours_reports(text)
    if len(reports) != 1:
        return False, "no JSON report (exit %s)" % rc
    causes, protocols, versions, ntlm = summarise_ours(reports[0])
    said = "causes: " + ", ".join(causes) if causes else "no cause"
    only = lambda *vs: {v: v in vs for v in TLS_VERSIONS}
    sid = scn["id"]
    if sid in ("healthy", "nla"):
        ok = (not causes and protocols.get("hybrid") is True
              and protocols.get("ssl") is (sid == "healthy")
              and ntlm.get("nb_computer") == "DEMO-PC" and versions == only("1.2", "1.3"))
        return ok, said + ("; NLA, NTLM names, TLS 1.2/1.3" if ok else "")
    if sid == "tls10":
        ok = causes[:1] == ["legacy-tls"] and versions == only("1.0")
        return ok, said + ("; TLS 1.0 only" if ok else "")
    if sid in ("xrdp", "xrdp-tls"):
        ok = (not causes and protocols.get("rdp") is (sid == "xrdp") and protocols.get("ssl") is True
              and protocols.get("hybrid") is False)
        return ok, said + (("; RDP and TLS, no NLA" if sid == "xrdp" else "; TLS only") if ok else "")
    if sid == "filtered":
        ok = causes[:1] == ["port-filtered"]
        return ok, said
    if sid == "closed":
        return causes[:1] == ["port-closed"], said
    return False, said


def check_ours_fleet(scn, text, rc, wall):
    reports = ours_reports(text)
    clean = sum(1 for r in reports if not r.get("causes"))
    n = scn["fleet"]
    return (len(reports) == n and clean == n,
            "%d/%d hosts reported, %d without a cause" % (len(reports), n, clean))


def parse_nmap(text):
    """{host: {"state": ..., "layers": {name: result}, "ntlm": {key: value}, "error": ...}}"""
    hosts = {}
    for block in text.split("Nmap scan report for ")[1:]:
        host = block.split(None, 1)[0]
        h = {"state": None, "layers": {}, "ntlm": {}, "error": None}
        m = re.search(r"^%d/tcp\s+(\S+)" % PORT, block, re.M)
        if m:
            h["state"] = m.group(1)
        section = None
        for line in block.splitlines():
            if line.startswith("| rdp-enum-encryption"):
                section = "enum"
                continue
            if line.startswith("| rdp-ntlm-info"):
                section = "ntlm"
                continue
            if not line.startswith("|"):
                section = None
                continue
            body = re.sub(r"^\|_?\s*", "", line)
            if section == "enum":
                m = re.match(r"^(.+?): (SUCCESS|FAILED|FAILURE|Unknown)", body)
                if m:
                    h["layers"][m.group(1)] = m.group(2)
            elif section == "ntlm":
                m = re.match(r"^(\w+): (.*)$", body)
                if m:
                    h["ntlm"][m.group(1)] = m.group(2)
        m = re.search(r"rdp-enum-encryption:[ \t]*(?:\n\|_?\s*)?ERROR: (.*)", block)
        if m:
            h["error"] = m.group(1)
        hosts[host] = h
    return hosts


def check_nmap(scn, text, rc, wall):
    hosts = parse_nmap(text)
    h = hosts.get("127.0.0.1")
    if h is None:
        return False, "no report (exit %s)" % rc
    layers = h["layers"]
    got = sorted(k for k, v in layers.items() if v == "SUCCESS" and k in
                 ("Native RDP", "SSL", "CredSSP (NLA)", "CredSSP with Early User Auth", "RDSTLS"))
    said = "%s; layers: %s; NTLM: %s" % (h["state"], ", ".join(got) or "none",
                                         h["ntlm"].get("NetBIOS_Computer_Name", "none"))
    if h["error"]:
        said += " (rdp-enum-encryption: ERROR %s)" % h["error"]
    sid = scn["id"]
    if sid in ("healthy", "nla"):
        ok = (h["state"] == "open" and layers.get("CredSSP (NLA)") == "SUCCESS"
              and (layers.get("SSL") == "SUCCESS") == (sid == "healthy")
              and h["ntlm"].get("NetBIOS_Computer_Name") == "DEMO-PC")
        return ok, said
    if sid == "tls10":
        return False, said + " (no TLS version check: cannot see TLS 1.0-only)"
    if sid in ("xrdp", "xrdp-tls"):
        # These xrdp offer Standard RDP Security (negotiate only) and TLS (tests/integration/test-peers.sh)
        wrong = [k for k in ("CredSSP (NLA)", "CredSSP with Early User Auth", "RDSTLS")
                 + (("Native RDP",) if sid == "xrdp-tls" else ()) if layers.get(k) == "SUCCESS"]
        ok = (layers.get("Native RDP") == ("SUCCESS" if sid == "xrdp" else None)
              and layers.get("SSL") == "SUCCESS" and not wrong and not h["error"])
        if wrong:
            said += " (wrong: this xrdp offers none of %s)" % ", ".join(wrong)
        return ok, said
    if sid in ("filtered", "closed"):
        return h["state"] == ("filtered" if sid == "filtered" else "closed"), "port " + str(h["state"])
    return False, said


def check_nmap_fleet(scn, text, rc, wall):
    hosts = parse_nmap(text)
    n = scn["fleet"]
    layers = sum(1 for h in hosts.values() if h["layers"].get("CredSSP (NLA)") == "SUCCESS")
    ntlm = sum(1 for h in hosts.values() if h["ntlm"].get("NetBIOS_Computer_Name") == "DEMO-PC")
    return (len(hosts) == n and layers == n and ntlm == n,
            "%d/%d hosts reported, security layers for %d, NTLM info for %d" % (len(hosts), n, layers, ntlm))


def check_sslscan(scn, text, rc, wall):
    versions = {}
    for m in re.finditer(r"^(SSLv[23]|TLSv1\.[0-3])\s+(enabled|disabled)", text, re.M):
        versions[m.group(1).replace("TLSv", "")] = m.group(2) == "enabled"
    subject = re.search(r"^Subject:\s+(\S.*)$", text, re.M)
    enabled = [v for v in TLS_VERSIONS if versions.get(v)]
    said = "TLS %s; certificate %s" % ("/".join(enabled) or "none",
                                        "read" if subject else "not read")
    want = ["1.0"] if scn["id"] == "tls10" else ["1.2", "1.3"]
    return rc == 0 and enabled == want and subject is not None, said


CHECKERS = {"ours": check_ours, "ours-fleet": check_ours_fleet, "nmap": check_nmap,
            "nmap-fleet": check_nmap_fleet, "nmap-fleet-tuned": check_nmap_fleet,
            "sslscan": check_sslscan}


# ---- inside the namespace ---------------------------------------------------------------

NFT_RULES = """
table inet %(t)s {
  counter syns { }
  counter other_syns { }
  set conns {
    typeof ct id
    size 1048576
    flags dynamic
  }
  set dropped {
    type inet_service
  }
  chain out {
    type filter hook output priority 0; policy accept;
    tcp dport %(p)d tcp flags & (syn|ack) == syn counter name "syns"
    tcp dport %(p)d tcp flags & (syn|ack) == syn add @conns { ct id }
    tcp dport != %(p)d tcp flags & (syn|ack) == syn counter name "other_syns"
  }
  chain in {
    type filter hook input priority 0; policy accept;
    tcp dport @dropped drop
  }
}
""" % {"t": NFT_TABLE, "p": PORT}


def nft(*args, stdin=None):
    return subprocess.run(["nft", *args], input=stdin, text=True, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


def counters_reset():
    nft("-f", "-", stdin="reset counters table inet %s\nflush set inet %s conns\n" % (NFT_TABLE, NFT_TABLE))


def counters_read():
    out = {}
    for item in json.loads(nft("-j", "list", "counters", "table", "inet", NFT_TABLE))["nftables"]:
        if "counter" in item:
            out[item["counter"]["name"]] = item["counter"]["packets"]
    for item in json.loads(nft("-j", "list", "set", "inet", NFT_TABLE, "conns"))["nftables"]:
        if "set" in item:
            out["conns"] = len(item["set"].get("elem", []))
    return out


def process_cpu_s(pid):
    """CPU time (user + system) a running process has used so far, its
    threads included, in clock ticks' resolution; None if it is not ours."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_tool(argv, timeout, env, server_pid=None):
    """Runs argv to its end: wall time, CPU time and peak RSS of its process
    tree (wait4), connections opened (the nft set), exit status, output, and
    the CPU time the scripted server spent meanwhile."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        counters_reset()
        server_before = process_cpu_s(server_pid) if server_pid else None
        done = threading.Event()
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                start_new_session=True)

        def kill():
            if not done.is_set():
                os.killpg(proc.pid, signal.SIGKILL)
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        done.set()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        c = counters_read()
        server_after = process_cpu_s(server_pid) if server_pid else None
        out.seek(0)
        err.seek(0)
        return dict(wall_s=wall, cpu_s=ru.ru_utime + ru.ru_stime, rss_kb=ru.ru_maxrss,
                    conns=c.get("conns", 0), syns=c.get("syns", 0), other_syns=c.get("other_syns", 0),
                    rc=proc.returncode, timed_out=wall >= timeout,
                    server_cpu_s=(server_after - server_before
                                  if server_before is not None and server_after is not None else None),
                    stdout=out.read().decode("utf-8", "replace"),
                    stderr=err.read().decode("utf-8", "replace"))


class Server:
    """The scripted server, or xrdp through tests/integration/xrdp-lib.sh."""

    def __init__(self, build, logdir, scn):
        self.proc = None
        self.skip = None
        self.pid = None          # the scripted server's, for its CPU time
        self.log_path = os.path.join(logdir, "server-%s.log" % scn["id"])
        self.log = open(self.log_path, "w")
        if scn.get("xrdp"):
            self.start_xrdp(scn["xrdp"])
        elif scn.get("fleet"):
            last = ipaddress.ip_address("127.0.0.1") + scn["fleet"] - 1
            self.start_scripted(build, ["--listen-range", "127.0.0.1-%s" % last, "-b", "windows"],
                                scn["fleet"])
        elif scn.get("server") is not None:
            self.start_scripted(build, ["--listen", "127.0.0.1"] + scn["server"], 1)

    def wait_lines(self, n, timeout):
        """The first n LISTENING lines (fewer if the server said SKIP, died or was slow)."""
        fd = self.proc.stdout.fileno()
        lines, pending = [], b""
        end = time.monotonic() + timeout
        while len(lines) < n:
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            *complete, pending = (pending + chunk).split(b"\n")
            for line in complete:
                line = line.decode("utf-8", "replace")
                if line.startswith("SKIP "):
                    self.skip = line[5:].strip()
                    return lines
                if line.startswith("LISTENING "):
                    lines.append(line)
        return lines

    def start_scripted(self, build, args, n):
        argv = [os.path.join(build, "tests", "server", "rdp-doctor-test-server"),
                "--port", str(PORT)] + args
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log)
        self.pid = self.proc.pid
        if len(self.wait_lines(n, 60)) != n:
            self.stop()
            raise RuntimeError("the scripted server did not start (see %s): %s" % (self.log_path, shlex.join(argv)))

    def start_xrdp(self, config):
        # xrdp-lib.sh picks a free port for each instance; in this namespace it is 3389.
        helper = r'''
            . "$1/tests/integration/xrdp-lib.sh"
            bench_port=$2
            _xrdp_free_port () { echo "$bench_port"; }
            xrdp_usable || { echo "SKIP $XRDP_SKIP_REASON"; exit 0; }
            xrdp_start bench "$3" >&2 || { echo "SKIP xrdp did not start (see $4)"; exit 0; }
            echo "LISTENING 127.0.0.1 $bench_PORT"
            read -r _ || true
        '''
        self.proc = subprocess.Popen(["bash", "-c", helper, "bench-xrdp", TOP, str(PORT), config, self.log_path],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        if len(self.wait_lines(1, 60)) != 1 and self.skip is None:
            self.skip = "xrdp did not start (see %s)" % self.log_path

    def stop(self):
        if self.proc is not None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()      # the xrdp helper stops xrdp and cleans up
            else:
                self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fleet_supported(cli):
    try:
        out = subprocess.run([cli, "--help"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return False
    return "--targets" in out


def tool_argv(tool, cli, scn, targets, jobs):
    if tool == "ours":
        return [cli, "--json", "127.0.0.1:%d" % PORT]
    if tool == "nmap":
        return ["nmap", "-Pn", "-sT", "-n", "-p", str(PORT), "--script", NMAP_SCRIPTS, "127.0.0.1"]
    if tool == "sslscan":
        return ["sslscan", "--rdp", "--no-colour", "127.0.0.1:%d" % PORT]
    if tool == "ours-fleet":
        return [cli, "--targets", targets, "--json"] + (["--jobs", str(jobs)] if jobs else [])
    if tool == "nmap-fleet":
        return ["nmap", "-Pn", "-sT", "-n", "-p", str(PORT), "--script", NMAP_SCRIPTS, "-iL", targets]
    if tool == "nmap-fleet-tuned":
        return (["nmap", "-Pn", "-sT", "-n", "-p", str(PORT), "--script", NMAP_SCRIPTS] + NMAP_TUNED
                + ["-iL", targets])
    raise ValueError(tool)


def display_argv(argv, build, workdir):
    text = shlex.join(argv)
    text = text.replace(os.path.join(build, "src", "cli") + "/", "")
    return text.replace(workdir + "/", "")


def inner(args):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    nft("-f", "-", stdin=NFT_RULES)
    workdir = tempfile.mkdtemp(prefix="rd-bench-")
    logdir = os.path.join(os.path.dirname(os.path.abspath(args.raw)), "logs")
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    cli = os.path.join(args.build, "src", "cli", "rdp-doctor-cli")
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("G_MESSAGES_DEBUG", None)
    has_fleet = fleet_supported(cli)
    results = {"scenarios": [], "fleet_supported": has_fleet, "jobs": args.jobs}

    for scn in SCENARIOS:
        if scn["id"] not in args.scenarios:
            continue
        res = {"id": scn["id"], "tools": {}, "notes": []}
        results["scenarios"].append(res)
        if scn.get("fleet"):
            reps = args.fleet_reps
        elif scn.get("drop"):
            reps = args.filtered_reps
        else:
            reps = args.reps
        res["reps"] = reps
        targets = None
        if scn.get("fleet"):
            targets = os.path.join(workdir, "hosts-%d.txt" % scn["fleet"])
            first = ipaddress.ip_address("127.0.0.1")
            with open(targets, "w") as f:
                f.writelines("%s\n" % (first + i) for i in range(scn["fleet"]))

        log("== %s: %s" % (scn["id"], scn["what"]))
        try:
            server = Server(args.build, logdir, scn)
        except RuntimeError as e:
            res["skipped"] = str(e)
            log("   skipped: %s" % e)
            continue
        try:
            if server.skip:
                res["skipped"] = server.skip
                log("   skipped: %s" % server.skip)
                continue
            if scn.get("drop"):
                nft("add", "element", "inet", NFT_TABLE, "dropped", "{ %d }" % PORT)
            tools = list(scn["tools"])
            for tool in tools:
                argv = tool_argv(tool, cli, scn, targets, args.jobs)
                res["tools"][tool] = {"cmd": display_argv(argv, args.build, workdir), "runs": []}
            if "ours-fleet" in tools and not has_fleet:
                res["tools"]["ours-fleet"]["pending"] = "rdp-doctor-cli has no --targets yet"
                tools.remove("ours-fleet")
            tool_reps = {t: reps for t in tools}
            if "nmap-fleet" in tool_reps and args.nmap_fleet_reps < reps:
                tool_reps["nmap-fleet"] = args.nmap_fleet_reps
                res["tools"]["nmap-fleet"]["capped"] = tool_reps["nmap-fleet"]
            timeout = 1800 if scn.get("fleet") else 120

            # One discarded round first (caches, the server's first connection),
            # except where a round is all waiting.
            if not scn.get("fleet") and not scn.get("drop"):
                for tool in tools:
                    run_tool(tool_argv(tool, cli, scn, targets, args.jobs), timeout, env, server.pid)
            for rep in range(reps):
                # Interleaved, and rotated each round, so that noise hits all alike.
                order = tools[rep % len(tools):] + tools[:rep % len(tools)]
                for tool in order:
                    if len(res["tools"][tool]["runs"]) >= tool_reps[tool]:
                        continue
                    r = run_tool(tool_argv(tool, cli, scn, targets, args.jobs), timeout, env, server.pid)
                    ok, said = CHECKERS[tool](scn, r["stdout"], r["rc"], r["wall_s"])
                    if r["timed_out"]:
                        ok, said = False, "killed after %d s" % timeout
                    if tool == "nmap" and "threw an error" in r["stdout"] + r["stderr"]:
                        said += " (a script threw an error)"
                    run = {k: r[k] for k in ("wall_s", "cpu_s", "rss_kb", "conns", "syns",
                                             "other_syns", "rc", "server_cpu_s")}
                    run.update(ok=ok, said=said)
                    res["tools"][tool]["runs"].append(run)
                    log("   [%d/%d] %-10s %9.1f ms  cpu %7.1f ms  %6.1f MB  %5d conns  exit %d  %s  %s"
                        % (rep + 1, reps, tool, r["wall_s"] * 1000, r["cpu_s"] * 1000,
                           r["rss_kb"] / 1024, r["conns"], r["rc"], "ok" if ok else "NOT OK", said))
                    if not ok and not res["tools"][tool].get("example"):
                        res["tools"][tool]["example"] = (r["stdout"][-3000:] + "\n" + r["stderr"][-1000:]).strip()
        finally:
            if scn.get("drop"):
                nft("delete", "element", "inet", NFT_TABLE, "dropped", "{ %d }" % PORT)
            server.stop()
        with open(args.raw, "w") as f:
            json.dump(results, f, indent=1)

    with open(args.raw, "w") as f:
        json.dump(results, f, indent=1)
    shutil.rmtree(workdir, ignore_errors=True)


# ---- outside: facts, wizard, report -----------------------------------------------------

def sh(argv, strip=True):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.strip() if strip else out


def machine_facts(build):
    facts = {}
    facts["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    facts["nproc"] = os.cpu_count()
    facts["kernel"] = platform.release()
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    facts["cpu"] = cpu
    try:
        facts["mem_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        facts["mem_gb"] = None
    facts["debian"] = sh(["cat", "/etc/debian_version"])
    m = re.search(r"Nmap version (\S+)", sh(["nmap", "--version"]))
    facts["nmap"] = "nmap " + (m.group(1) if m else "?")
    ssl = re.sub(r"\x1b\[[0-9;]*m", "", sh(["sslscan", "--version"])).split()
    facts["sslscan"] = "sslscan %s (%s)" % (ssl[0] if ssl else "?", " ".join(ssl[1:3]))
    facts["openssl"] = " ".join(sh(["openssl", "version"]).split()[:2])
    facts["xrdp"] = (sh(["xrdp", "--version"]).splitlines() or [""])[0]
    facts["python"] = platform.python_version()
    facts["commit"] = sh(["git", "-C", TOP, "rev-parse", "--short", "HEAD"])
    facts["commit_subject"] = sh(["git", "-C", TOP, "log", "-1", "--format=%s"])
    dirty = sh(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=all", "--",
                "src", "tests/server", "meson.build", "meson_options.txt", "data", "ui", "bench"],
               strip=False)
    facts["dirty"] = [l[3:] for l in dirty.splitlines() if l.strip() and not l.endswith("RESULTS.md")]
    try:
        opts = json.loads(sh(["meson", "introspect", "--buildoptions", build]) or "[]")
        facts["build"] = {o["name"]: o["value"] for o in opts if o["name"] in ("buildtype", "werror", "optimization", "debug")}
    except ValueError:
        facts["build"] = {}
    facts["loadavg_start"] = os.getloadavg()
    return facts


def run_wizard(build, runs):
    """bench/wizard.py BUILD_DIR: one JSON object on stdout (the wizard's own bench)."""
    script = os.path.join(HERE, "wizard.py")
    if not os.path.exists(script):
        return {"skipped": "bench/wizard.py does not exist yet"}
    if not os.access(os.path.join(build, "src", "app", "rdp-doctor"), os.X_OK):
        return {"skipped": "the wizard is not built (-Dwizard=false?)"}
    log("== wizard: bench/wizard.py --runs %d" % runs)
    try:
        p = subprocess.run([sys.executable, script, "--runs", str(runs), build], cwd=TOP,
                           stdout=subprocess.PIPE, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"skipped": "bench/wizard.py ran for more than 10 minutes"}
    for line in reversed(p.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return {"result": json.loads(line)}
            except ValueError:
                pass
    try:
        return {"result": json.loads(p.stdout)}
    except ValueError:
        return {"skipped": "bench/wizard.py exited %d without a JSON object (its messages are above)"
                % p.returncode}


def med(runs, key):
    vals = [r[key] for r in runs]
    return statistics.median(vals) if vals else None


def fmt_ms(s, unit=True):
    if s is None:
        return "–"
    ms = s * 1000
    if ms >= 10000:
        text = "%.1f s" % s
    else:
        text = "%.0f ms" % ms if ms >= 100 else "%.1f ms" % ms
    return text if unit else text.rsplit(" ", 1)[0]


def fmt_range(x):
    """median (min–max), the range in the median's unit"""
    if x["n"] == 1:
        return fmt_ms(x["wall"])
    unit = fmt_ms(x["wall"]).rsplit(" ", 1)[1]
    scale = 1 if unit == "s" else 1000
    one = lambda v: ("%.1f" % (v * scale)) if v * scale < 100 or unit == "s" else "%.0f" % (v * scale)
    return "%s (%s–%s)" % (fmt_ms(x["wall"]), one(x["wall_min"]), one(x["wall_max"]))


def fmt_ratio(x):
    if x is None:
        return "–"
    return "%.0f×" % x if x >= 10 else "%.1f×" % x


def fmt_count(x):
    if x is None:
        return "–"
    return ("%d" % x) if x == int(x) else ("%.1f" % x)


def tool_stats(t):
    runs = t.get("runs", [])
    if not runs:
        return None
    ok = sum(1 for r in runs if r["ok"])
    saids = {}
    for r in runs:
        saids.setdefault((r["ok"], r["said"]), 0)
        saids[(r["ok"], r["said"])] += 1
    # the most frequent answer, the wrong one first when there is one
    said = sorted(saids.items(), key=lambda kv: (kv[0][0], -kv[1]))[0][0][1]
    return dict(n=len(runs), ok=ok, said=said,
                wall=med(runs, "wall_s"), wall_min=min(r["wall_s"] for r in runs),
                wall_max=max(r["wall_s"] for r in runs),
                cpu=med(runs, "cpu_s"), rss=med(runs, "rss_kb"),
                server_cpu=(statistics.median(r["server_cpu_s"] for r in runs)
                            if all(r.get("server_cpu_s") is not None for r in runs) else None),
                conns=med(runs, "conns"), syns=med(runs, "syns"),
                other=max(r["other_syns"] for r in runs),
                rcs=sorted(set(r["rc"] for r in runs)))


def write_report(path, raw, facts, wizard, command, opts):
    by_id = {s["id"]: s for s in raw["scenarios"]}
    scn_def = {s["id"]: s for s in SCENARIOS}
    stats = {sid: {t: tool_stats(v) for t, v in s["tools"].items()} for sid, s in by_id.items()}

    def st(sid, tool):
        return (stats.get(sid) or {}).get(tool)

    L = []
    w = L.append
    w("# Benchmark results")
    w("")
    w("Generated by `%s` on %s. Do not edit: run it again." % (command, facts["date"]))
    w("")
    tree = "commit %s (%s)" % (facts["commit"], facts["commit_subject"])
    if facts["dirty"]:
        tree += "; **plus uncommitted changes** in %s" % ", ".join("`%s`" % d for d in facts["dirty"])
    w("- Tree: " + tree)
    b = facts.get("build", {})
    w("- Build: `%s`, buildtype `%s` (optimization %s), werror %s"
      % (os.path.relpath(opts.build, TOP), b.get("buildtype", "?"), b.get("optimization", "?"),
         str(b.get("werror", "?")).lower()))
    w("- Machine: %s CPUs (%s), %s GB, Linux %s, Debian %s; load average %.2f at the start, %.2f at the end"
      % (facts["nproc"], facts["cpu"] or "?", facts["mem_gb"], facts["kernel"], facts["debian"],
         facts["loadavg_start"][0], facts["loadavg_end"][0]))
    busy = max(facts["loadavg_start"][0], facts["loadavg_end"][0])
    if busy > facts["nproc"]:
        w("- **The machine was busy** (a load average of %.1f on %d CPUs): the absolute figures are "
          "pessimistic, the throughput of fleets above all, as it is bound by CPU; the ratios, "
          "measured side by side, hold better." % (busy, facts["nproc"]))
    w("- Peers and servers: %s; %s; %s; this machine's %s"
      % (facts["nmap"], facts["sslscan"], facts["xrdp"], facts["openssl"]))
    w("- Repetitions: %d per single-host scenario (filtered port: %d), %d per fleet%s; every figure "
      "is the median. Within a repetition the tools run one after the other, in an order rotated "
      "each time, after one discarded round (single hosts, except the filtered port)."
      % (opts.reps, opts.filtered_reps, opts.fleet_reps,
         " (nmap with its defaults: %d, as it takes minutes)" % opts.nmap_fleet_reps
         if opts.nmap_fleet_reps < opts.fleet_reps and any(scn_def[i].get("fleet") for i in by_id) else ""))
    w("- Everything runs in a network namespace made for the run (loopback only), on port %d. "
      "Connections are counted by nftables there: the distinct connections (conntrack entries) "
      "whose SYN went to the port, so a retransmitted SYN is not counted twice." % PORT)
    w("")
    w("Commands (the target is `127.0.0.1:%d`; fleets read the same list of addresses, one per line%s):"
      % (PORT, "" if not raw.get("jobs") else "; ours with `--jobs %d`" % raw["jobs"]))
    w("")
    seen = set()
    for s in raw["scenarios"]:
        for tool, t in s["tools"].items():
            key = (tool, t["cmd"].replace("hosts-1000", "hosts-N").replace("hosts-200", "hosts-N"))
            if key in seen:
                continue
            seen.add(key)
            w("- %s: `%s`" % (TOOL_NAMES[tool], key[1].replace("hosts-N.txt", "HOSTS")))
    w("")

    # ---- aims
    w("## Aims")
    w("")
    w("| aim | met | figures |")
    w("|---|---|---|")

    def aim(text, met, fig):
        w("| %s | %s | %s |" % (text, {True: "yes", False: "**no**", None: "pending"}[met], fig))

    o, n = st("healthy", "ours"), st("healthy", "nmap")
    aim("healthy loopback host: full diagnosis well under 100 ms",
        None if not o else o["wall"] < 0.1,
        "median %s" % fmt_ms(o["wall"]) if o else "not measured")
    aim("… at least 20× faster than nmap `%s`" % NMAP_SCRIPTS,
        None if not (o and n) else n["wall"] / o["wall"] >= 20,
        "nmap %s ÷ ours %s = %s" % (fmt_ms(n["wall"]), fmt_ms(o["wall"]), fmt_ratio(n["wall"] / o["wall"]))
        if o and n else "not measured")
    aim("… opening fewer connections than nmap",
        None if not (o and n) else o["conns"] < n["conns"],
        "ours %s, nmap %s" % (fmt_count(o["conns"]), fmt_count(n["conns"])) if o and n else "not measured")
    f = st("filtered", "ours")
    aim("filtered port reported within the deadline (%g s)" % DEADLINE_S,
        None if not f else (f["ok"] == f["n"] and f["wall_max"] <= DEADLINE_S + 0.25),
        "port-filtered in %d/%d runs; median %s, slowest %s" % (f["ok"], f["n"], fmt_ms(f["wall"]), fmt_ms(f["wall_max"]))
        if f else "not measured")
    for size in (200, 1000):
        sid = "fleet-%d" % size
        of = st(sid, "ours-fleet")
        if sid not in by_id:
            continue
        pending = (by_id[sid]["tools"].get("ours-fleet") or {}).get("pending")
        aim("fleet of %d: at least 200 hosts/s" % size,
            None if not of else size / of["wall"] >= 200,
            ("%.0f hosts/s (median %s, %d/%d runs complete)" % (size / of["wall"], fmt_ms(of["wall"]), of["ok"], of["n"]))
            if of else (pending or "not measured"))
        for tool, how in (("nmap-fleet", "nmap's defaults"), ("nmap-fleet-tuned", "nmap " + " ".join(NMAP_TUNED))):
            nf = st(sid, tool)
            aim("fleet of %d: at least 10× nmap's throughput (%s)" % (size, how),
                None if not (of and nf) else nf["wall"] / of["wall"] >= 10,
                ("ours %.0f hosts/s, nmap %.1f hosts/s: %s" % (size / of["wall"], size / nf["wall"], fmt_ratio(nf["wall"] / of["wall"])))
                if of and nf else ("nmap %.1f hosts/s; ours %s" % (size / nf["wall"], pending or "not measured") if nf else "not measured"))
    wr = (wizard or {}).get("result")
    median = lambda v: v.get("median") if isinstance(v, dict) else v
    if wr:
        ff, rss = median(wr.get("first_frame_ms")), median(wr.get("rss_mb"))
        aim("wizard cold start under 300 ms and 80 MB",
            None if ff is None or rss is None else (ff < 300 and rss < 80),
            "first frame %s ms, %s MB (medians)" % (ff, rss))
    else:
        aim("wizard cold start under 300 ms and 80 MB", None, (wizard or {}).get("skipped", "not run"))
    w("")

    # ---- ratios
    w("## Ratios against the peers (same run)")
    w("")
    w("Peer ÷ ours: above 1× ours is faster, or uses less. Connections are counts (ours / peer).")
    w("")
    w("| scenario | nmap wall | nmap CPU | nmap memory | sslscan wall | sslscan CPU | sslscan memory | connections ours / nmap / sslscan |")
    w("|---|---|---|---|---|---|---|---|")
    rows = []
    for s in raw["scenarios"]:
        rows.append((s, scn_def[s["id"]]["title"], "nmap-fleet" if scn_def[s["id"]].get("fleet") else "nmap"))
        if "nmap-fleet-tuned" in s["tools"]:
            rows.append((s, scn_def[s["id"]]["title"] + ", nmap " + " ".join(NMAP_TUNED), "nmap-fleet-tuned"))
    for s, title, nmap_tool in rows:
        sid = s["id"]
        ours = st(sid, "ours") or st(sid, "ours-fleet")
        peers = [st(sid, nmap_tool), st(sid, "sslscan")]
        cells = []
        for p in peers:
            for key in ("wall", "cpu", "rss"):
                if ours and p and ours[key]:
                    cells.append(fmt_ratio(p[key] / ours[key]))
                else:
                    cells.append("–")
        counts = " / ".join(fmt_count(x["conns"]) if x else "–" for x in [ours] + peers)
        if s.get("skipped"):
            cells = ["skipped"] + [""] * 5
            counts = ""
        w("| %s | %s | %s |" % (title, " | ".join(cells), counts))
    w("")

    # ---- per scenario
    w("## Per scenario")
    for s in raw["scenarios"]:
        sid = s["id"]
        d = scn_def[sid]
        w("")
        w("### %s (`%s`)" % (d["title"], sid))
        w("")
        w(d["what"] + ".")
        w("")
        if s.get("skipped"):
            w("Skipped: %s." % s["skipped"])
            continue
        fleet = d.get("fleet")
        w("| tool | wall (min–max) | %sCPU | peak RSS | connections | exit | reported what it should |%s"
          % ("hosts/s | " if fleet else "", " server CPU |" if fleet else ""))
        w("|---|---|---|---|---|---|---|" + ("---|---|" if fleet else ""))
        for tool, t in s["tools"].items():
            x = tool_stats(t)
            name = TOOL_NAMES[tool]
            if x is None:
                w("| %s | pending |%s %s |%s" % (name, " – |" * (5 if fleet else 4), t.get("pending", "no runs"),
                                                 " – |" if fleet else ""))
                continue
            conns = fmt_count(x["conns"])
            if x["syns"] > x["conns"]:
                conns += " (%s SYNs)" % fmt_count(x["syns"])
            if x["other"]:
                conns += ", +%d SYNs to other ports" % x["other"]
            runs = "%d run%s" % (x["n"], "" if x["n"] == 1 else "s")
            w("| %s | %s | %s%s | %.1f MB | %s | %s | %d/%d: %s |%s"
              % (name, fmt_range(x),
                 ("%.1f | " % (fleet / x["wall"])) if fleet else "",
                 fmt_ms(x["cpu"]), x["rss"] / 1024, conns, ",".join(map(str, x["rcs"])),
                 x["ok"], x["n"], x["said"],
                 (" %s |" % fmt_ms(x["server_cpu"])) if fleet else ""))
            if t.get("capped"):
                s.setdefault("notes", []).append("nmap with its defaults ran %s on this fleet (capped, "
                                                 "as it is slow; the others %d)." % (runs, s["reps"]))
        if fleet:
            s.setdefault("notes", []).append(
                "Server CPU: what the scripted server spent while that tool ran (10 ms resolution), "
                "to tell a slow tool from a saturated fixture on this %d-CPU machine." % os.cpu_count())
        for note in s.get("notes", []):
            w("")
            w(note)
    w("")

    # ---- wizard
    w("## Wizard (bench/wizard.py)")
    w("")
    if wr:
        w("What bench/wizard.py printed (medians, with min–max where it gives them):")
        w("")
        w("| measure | value |")
        w("|---|---|")

        def rows(prefix, d):
            for k, v in d.items():
                name = prefix + k
                if isinstance(v, dict) and "median" in v:
                    w("| %s | %s (%s–%s, %s runs) |" % (name, v["median"], v.get("min"), v.get("max"), v.get("runs")))
                elif isinstance(v, dict):
                    rows(name + ".", v)
                elif isinstance(v, list):
                    if v:
                        w("| %s | %s |" % (name, ", ".join(map(str, v))))
                else:
                    w("| %s | %s |" % (name, v))
        rows("", wr)
    else:
        w("Not measured: %s." % (wizard or {}).get("skipped", "not run"))
    w("")
    with open(path, "w") as f:
        f.write("\n".join(L))


# ---- main -------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="RDP Doctor's benchmarks: rdp-doctor-cli against nmap "
                                 "and sslscan, in a network namespace of their own. Run it as root "
                                 "through ./bench/run.sh.")
    ap.add_argument("--build", default=os.environ.get("RD_BENCH_BUILD", os.path.join(TOP, "_build-bench")),
                    help="build directory (default $RD_BENCH_BUILD, or _build-bench)")
    ap.add_argument("--reps", type=int, default=15, help="repetitions per single-host scenario (default 15)")
    ap.add_argument("--filtered-reps", type=int, default=5,
                    help="repetitions for the filtered port, where every run waits out its deadline (default 5)")
    ap.add_argument("--fleet-reps", type=int, default=3, help="repetitions per fleet (default 3)")
    ap.add_argument("--nmap-fleet-reps", type=int, default=1,
                    help="cap on the repetitions of nmap with its defaults on a fleet: half a minute "
                         "for 200 hosts, 2.5 for 1000 (default 1)")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for rdp-doctor-cli's fleet mode (default: its own)")
    ap.add_argument("--scenarios", default=",".join(SCENARIO_IDS),
                    help="comma-separated, from: " + ", ".join(SCENARIO_IDS))
    ap.add_argument("--quick", action="store_true",
                    help="a quick look: 3 repetitions, 2 on the filtered port, 1 per fleet, no fleet of 1000")
    ap.add_argument("--no-wizard", action="store_true", help="do not run bench/wizard.py")
    ap.add_argument("--wizard-runs", type=int, default=15, help="cold starts for bench/wizard.py (default 15)")
    ap.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"), help="the report (default bench/RESULTS.md)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--raw", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.quick:
        args.reps, args.filtered_reps, args.fleet_reps, args.wizard_runs = 3, 2, 1, 3
        args.scenarios = ",".join(s for s in args.scenarios.split(",") if s != "fleet-1000")
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    bad = [s for s in args.scenarios if s not in SCENARIO_IDS]
    if bad:
        ap.error("unknown scenario %s (known: %s)" % (", ".join(bad), ", ".join(SCENARIO_IDS)))
    args.build = os.path.abspath(args.build)

    if args.inner:
        inner(args)
        return 0

    if os.geteuid() != 0:
        log("bench/run.py needs root: it makes a network namespace and nftables rules of its own.")
        return 2
    for tool in ("nmap", "sslscan", "nft", "ip", "unshare"):
        if shutil.which(tool) is None:
            log("%s is missing (./bench/run.sh installs the Debian packages)." % tool)
            return 2
    for exe in ("src/cli/rdp-doctor-cli", "tests/server/rdp-doctor-test-server"):
        if not os.access(os.path.join(args.build, exe), os.X_OK):
            log("%s is not built in %s (./bench/run.sh builds it)." % (exe, args.build))
            return 2

    outdir = os.path.join(args.build, "bench")
    os.makedirs(outdir, exist_ok=True)
    raw_path = os.path.join(outdir, "raw.json")
    facts = machine_facts(args.build)
    started = time.monotonic()

    argv = ["unshare", "--net", "--", sys.executable, os.path.abspath(__file__), "--inner",
            "--raw", raw_path] + [a for a in sys.argv[1:] if a not in ("--inner",)]
    if subprocess.run(argv).returncode != 0:
        log("the measurements failed; partial results are in %s" % raw_path)
        return 1
    with open(raw_path) as f:
        raw = json.load(f)

    wizard = {"skipped": "--no-wizard"} if args.no_wizard else run_wizard(args.build, args.wizard_runs)
    facts["loadavg_end"] = os.getloadavg()
    facts["minutes"] = (time.monotonic() - started) / 60

    command = "./bench/run.sh" + ("" if len(sys.argv) == 1 else " " + shlex.join(sys.argv[1:]))
    with open(os.path.join(outdir, "facts.json"), "w") as f:
        json.dump({"facts": facts, "wizard": wizard}, f, indent=1)
    write_report(args.output, raw, facts, wizard, command, args)
    log("wrote %s (%.1f minutes)" % (os.path.relpath(args.output), facts["minutes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
