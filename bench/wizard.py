#!/usr/bin/python3
"""wizard.py: how fast the wizard starts, and how smoothly it draws while it checks.

    python3 bench/wizard.py [--runs N] [--screenshot PNG] BUILD_DIR

Runs under its own Xvfb and D-Bus session (xvfb-run -a, dbus-run-session), as
the UI tests do, and reads the lines rdp-doctor prints with RDP_DOCTOR_PROFILE
set (src/app/rd-profile.c):

1. N cold starts of BUILD_DIR/src/app/rdp-doctor to its first painted frame
   (RDP_DOCTOR_PROFILE=quit): milliseconds from the process' start, and its
   resident memory (VmRSS) then. One more start before them is not counted
   (warm_up_ms): it fills the private, empty caches (Mesa's shaders, fonts).
2. The same for a peer, the smallest libadwaita window (bench/wizard-peer.c,
   compiled here with cc and pkg-config), with GTK's defaults: the figure to
   quote ratios against; and again with GTK's cairo renderer and GL off
   (peer_cairo), which is how the wizard draws where there is no GPU.
3. N/3 (at least 3) cold starts of `rdp-doctor 127.0.0.1:PORT` against the
   scripted server (BUILD_DIR/tests/server/rdp-doctor-test-server, behaviour
   windows): the first frame while a diagnosis is due.
4. One diagnosis in an open window, as a person starts it: the wizard on its
   start page, then `rdp-doctor 127.0.0.1:PORT` hands it the address. The
   server's behaviour is slow-drip (--behaviour): the checks run for seconds.
   Frames per second painted on the checking page while they run, the fewest
   in any whole second, the longest gap between two frames; how long after
   the run began the checking page, and after it ended the results page, was
   first drawn (results_gap_ms: since the checking page's last frame).

Fields: first_frame_ms, rss_mb, first_frame_with_target_ms ({median, max,
min, runs}), checking_fps, checking_min_fps, worst_frame_gap_ms,
checking_seconds, checking_behaviour, checking_page_ms, results_page_ms,
results_gap_ms, peer and peer_cairo ({what, first_frame_ms, rss_mb}),
ratio_to_peer and ratio_to_peer_cairo ({first_frame, rss}: medians), runs_ms,
warm_up_ms, env.

Prints one JSON object on stdout; progress goes to stderr. Only loopback is
used. Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PROFILE_RE = re.compile(r"^rdp-doctor-profile: (\S+)((?: \S+=\S+)*)$")
INNER = "RD_WIZARD_BENCH_INNER"


def log(*args):
    print("wizard.py:", *args, file=sys.stderr, flush=True)


def parse_profile(text):
    """{event: {key: value}} from the profile lines (the last of each event)."""
    events = {}
    for line in text.splitlines():
        m = PROFILE_RE.match(line.strip())
        if not m:
            continue
        fields = dict(kv.split("=", 1) for kv in m.group(2).split())
        if m.group(1) == "mark":
            events.setdefault("marks", {})[fields["name"]] = float(fields["ms"])
        else:
            events[m.group(1)] = {k: float(v) for k, v in fields.items()}
    return events


def session_env(tmp):
    """The isolation of the UI tests: no dconf, no portal, English, and
    GTK's default animations (the spinners are what keeps frames coming)."""
    env = dict(os.environ)
    config = os.path.join(tmp, "config")
    os.makedirs(os.path.join(config, "gtk-4.0"), exist_ok=True)
    env.update({
        "XDG_CONFIG_HOME": config,
        "XDG_DATA_HOME": os.path.join(tmp, "data"),
        "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
        "GSETTINGS_BACKEND": "memory",
        "ADW_DISABLE_PORTAL": "1",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "LANGUAGE": "",
    })
    for name in ("RDP_DOCTOR_PROFILE", "G_MESSAGES_DEBUG", "GSK_RENDERER", "GDK_DEBUG", "GDK_DISABLE"):
        env.pop(name, None)
    return env


def cold_start(argv, env, timeout=30):
    """One start to the first frame; the program quits by itself after it."""
    env = dict(env, RDP_DOCTOR_PROFILE="quit")
    proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, check=False)
    first = parse_profile(proc.stderr).get("first-frame")
    if first is None:
        raise RuntimeError(f"{argv[0]} printed no first-frame line (exit {proc.returncode}):\n"
                           + proc.stderr[-2000:])
    return first


def summarise(values, digits=1):
    return {
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
        "min": round(min(values), digits),
        "runs": len(values),
    }


def optional(events, event, key):
    """A figure from a profile line, or None (JSON null) if it never came."""
    value = events.get(event, {}).get(key)
    return round(value, 1) if value is not None else None


def cold_starts(argv, env, runs, label):
    # One start first that is not counted: it fills the fresh shader and
    # font caches, which a user's second start finds full.
    warm_up = cold_start(argv, env)
    log(f"{label} warm-up start: {warm_up['ms']:.1f} ms, {warm_up['rss_kb'] / 1024:.1f} MB")
    ms, rss = [], []
    for i in range(runs):
        first = cold_start(argv, env)
        ms.append(first["ms"])
        rss.append(first["rss_kb"] / 1024)
        log(f"{label} start {i + 1}/{runs}: {first['ms']:.1f} ms, {first['rss_kb'] / 1024:.1f} MB")
    return {"first_frame_ms": summarise(ms), "rss_mb": summarise(rss), "all_ms": ms,
            "warm_up_ms": warm_up["ms"]}


def build_peer(tmp):
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wizard-peer.c")
    exe = os.path.join(tmp, "wizard-peer")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libadwaita-1"],
                           capture_output=True, text=True, check=True).stdout.split()
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", exe, source] + flags, check=True)
    return exe


def start_server(build, behaviour):
    server = os.path.join(build, "tests", "server", "rdp-doctor-test-server")
    proc = subprocess.Popen([server, "--listen", "127.0.0.1", "--port", "0", "--behaviour", behaviour],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().split()
    if len(line) != 3 or line[0] != "LISTENING":
        proc.kill()
        raise RuntimeError("the scripted server did not start")
    return proc, f"{line[1]}:{line[2]}"


def screenshot(path, delay):
    """The wizard's window, `delay` seconds into the run."""
    time.sleep(delay)
    wid = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "RDP Doctor"],
                         capture_output=True, text=True, check=False).stdout.split()
    subprocess.run(["import", "-window", wid[0] if wid else "root", path], check=False)
    log(f"screenshot of the checking page: {path}")


def wait_for(err, proc, event, seconds):
    """The profile's `event` line once rdp-doctor has printed it, else None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        err.seek(0)
        found = parse_profile(err.read()).get(event)
        if found is not None or proc.poll() is not None:
            return found
        time.sleep(0.05)
    return None


def checking(app, env, build, behaviour, shot):
    """A diagnosis the way a person starts one in an open window: the wizard
    is started on its start page, then `rdp-doctor ADDRESS` hands it the
    address (GApplication passes the command line to the running wizard).
    So the frames counted are the checking page's own, not the start-up's."""
    server, address = start_server(build, behaviour)
    try:
        with tempfile.TemporaryFile(mode="w+") as err:
            proc = subprocess.Popen([app], env=dict(env, RDP_DOCTOR_PROFILE="1"),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    text=True)
            try:
                if wait_for(err, proc, "first-frame", 30) is None:
                    raise RuntimeError("rdp-doctor drew no first frame")
                time.sleep(0.5)
                subprocess.run([app, address], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=30, check=True)
                if shot:
                    screenshot(shot, 2.5)
                # The results page's first frame; a wizard too old to say
                # ends with the checking line.
                if wait_for(err, proc, "after-run", 120) is None:
                    wait_for(err, proc, "checking", 1)
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            err.seek(0)
            text = err.read()
    finally:
        server.terminate()
        server.wait()
    events = parse_profile(text)
    if "checking" not in events:
        raise RuntimeError("rdp-doctor did not finish the diagnosis:\n" + text[-2000:])
    run = events["checking"]
    log(f"checking {address} ({behaviour}): {run['seconds']:.1f} s, {run['fps']:.1f} fps, "
        f"worst gap {run['worst_gap_ms']:.1f} ms; checking page after "
        f"{events.get('run-start', {}).get('ms', -1):.1f} ms, results after "
        f"{events.get('after-run', {}).get('ms', -1):.1f} ms")
    return events


def start_with_target(app, env, build, behaviour, runs):
    """`rdp-doctor ADDRESS` from cold: the first frame while a diagnosis is due."""
    server, address = start_server(build, behaviour)
    try:
        ms = []
        for i in range(runs):
            ms.append(cold_start([app, address], env)["ms"])
            log(f"rdp-doctor {address} start {i + 1}/{runs}: {ms[-1]:.1f} ms")
    finally:
        server.terminate()
        server.wait()
    return ms


def inner(args):
    build = os.path.abspath(args.build_dir)
    app = os.path.join(build, "src", "app", "rdp-doctor")
    if not os.access(app, os.X_OK):
        sys.exit(f"wizard.py: {app} is not built")

    with tempfile.TemporaryDirectory(prefix="rd-wizard-bench-") as tmp:
        env = session_env(tmp)
        env["RD_LOCALEDIR"] = os.path.join(build, "po")
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(build, "data")
        for setting in args.env:
            name, _, value = setting.partition("=")
            env[name] = value
        peer = build_peer(tmp)

        wizard = cold_starts([app], env, args.runs, "rdp-doctor")
        peer_runs = cold_starts([peer], env, args.runs, "peer")
        # The renderer the wizard picks for itself without a GPU, for a
        # like-for-like ratio (its own choice is in src/app/rd-application.c).
        peer_cairo = cold_starts([peer], dict(env, GSK_RENDERER="cairo", GDK_DEBUG="gl-disable,vulkan-disable"),
                                 args.runs, "peer (cairo)")
        with_target = start_with_target(app, env, build, "windows", max(3, args.runs // 3))
        events = checking(app, env, build, args.behaviour, args.screenshot)
        run = events["checking"]

    result = {
        "first_frame_ms": wizard["first_frame_ms"],
        "rss_mb": wizard["rss_mb"],
        "first_frame_with_target_ms": summarise(with_target),
        "checking_fps": round(run["fps"], 1),
        "checking_min_fps": int(run["min_fps"]),
        "worst_frame_gap_ms": round(run["worst_gap_ms"], 1),
        "checking_seconds": round(run["seconds"], 2),
        "checking_behaviour": args.behaviour,
        "checking_page_ms": optional(events, "run-start", "ms"),
        "results_page_ms": optional(events, "after-run", "ms"),
        "results_gap_ms": optional(events, "after-run", "gap_ms"),
        "peer": {
            "what": "smallest AdwApplicationWindow (bench/wizard-peer.c), GTK defaults",
            "first_frame_ms": peer_runs["first_frame_ms"],
            "rss_mb": peer_runs["rss_mb"],
        },
        "ratio_to_peer": {
            "first_frame": round(wizard["first_frame_ms"]["median"] / peer_runs["first_frame_ms"]["median"], 2),
            "rss": round(wizard["rss_mb"]["median"] / peer_runs["rss_mb"]["median"], 2),
        },
        "peer_cairo": {
            "what": "the same window with GTK's cairo renderer and GL off, as the wizard draws without a GPU",
            "first_frame_ms": peer_cairo["first_frame_ms"],
            "rss_mb": peer_cairo["rss_mb"],
        },
        "ratio_to_peer_cairo": {
            "first_frame": round(wizard["first_frame_ms"]["median"] / peer_cairo["first_frame_ms"]["median"], 2),
            "rss": round(wizard["rss_mb"]["median"] / peer_cairo["rss_mb"]["median"], 2),
        },
        "runs_ms": [round(v, 1) for v in wizard["all_ms"]],
        "warm_up_ms": round(wizard["warm_up_ms"], 1),
        "env": args.env,
    }
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--runs", type=int, default=15, help="cold starts of each program (default 15)")
    parser.add_argument("--behaviour", default="slow-drip",
                        help="the scripted server's behaviour while checking (default slow-drip)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="also set this for the wizard and the peer (e.g. GSK_RENDERER=gl)")
    parser.add_argument("--screenshot", help="save the checking page, 2.5 s into the run, to this PNG")
    args = parser.parse_args()

    if os.environ.get(INNER):
        inner(args)
        return

    # A display and a session bus of our own, as the UI tests have.
    for tool in ("xvfb-run", "dbus-run-session", "pkg-config"):
        if shutil.which(tool) is None:
            sys.exit(f"wizard.py: {tool} is not installed (build-aux/packages.txt)")
    if args.screenshot:
        args.screenshot = os.path.abspath(args.screenshot)
    argv = [sys.executable, os.path.abspath(__file__), "--runs", str(args.runs),
            "--behaviour", args.behaviour]
    if args.screenshot:
        argv += ["--screenshot", args.screenshot]
    for setting in args.env:
        argv += ["--env", setting]
    argv.append(os.path.abspath(args.build_dir))
    env = dict(os.environ, **{INNER: "1"})
    # The session's daemons (the accessibility registry) talk on stdout too:
    # only the JSON object goes there, the rest to stderr.
    proc = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                           "dbus-run-session", "--"] + argv, env=env, check=False,
                          stdout=subprocess.PIPE, text=True)
    for line in proc.stdout.splitlines():
        print(line, file=sys.stdout if line.startswith("{") else sys.stderr)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
