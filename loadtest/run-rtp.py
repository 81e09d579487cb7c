#!/usr/bin/env python3
"""RTP load through NatEdge's media relay, side by side with rtpengine and a relay-free baseline.

  loadtest/run-rtp.py --calls 250,500 [--duration 15] [--warmup 2] [--peer rtpengine] [--pin] [--out DIR]

For each N: N bidirectional calls (2N streams of 172-byte RTP packets at 50 packets/s each way),
  direct     the generator sends straight to its own sink: the latency floor of the tool;
  natedge    sessions opened through the relay's control socket with the MediaProxy module protocol
             (an update request and an update reply per call, the shared bench's mpctl.py), packets
             through natedge-relay, sessions removed after;
  rtpengine  (--peer rtpengine) the same through rtpengine in userspace mode (--table=-1), sessions
             opened with ng offer/answer (the shared bench's ngctl.py) and deleted after.
The generator is the shared bench's rtpbench.c, compiled into a temporary folder; the bench tools are
copied there too (the bench folder is read-only). Each run writes a line to OUT/rtp-runs.log and the
invocation a results file OUT/rtp-STAMP.txt with a ratio line per N. Loopback only, every run bounded.
With --pin the relay runs on one CPU and the generator on another, as a relay on its own host would
not share its cores with the phones' traffic.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HZ = os.sysconf("SC_CLK_TCK")


def fail(message):
    print(f"run-rtp: {message}", file=sys.stderr)
    sys.exit(2)


def cpu_ticks(pid):
    """utime + stime of every thread of PID."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, seconds, what, process):
    for _ in range(int(seconds * 10)):
        if check():
            return
        if process.poll() is not None:
            fail(f"{what}: the process exited with {process.returncode}")
        time.sleep(0.1)
    fail(f"{what}: not ready after {seconds} s")


RELAY_CPU = 0
GENERATOR_CPU = 1


def pinned(command, cpu, pin):
    """The command run on one CPU (taskset) when --pin is given, else as it is."""
    return ["taskset", "-c", str(cpu), *command] if pin else command


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class Tools:
    """The shared bench's generator and control clients, copied and built in a temporary folder."""

    def __init__(self, bench, work, pin):
        self.pin = pin
        self.dir = os.path.join(work, "tools")
        os.makedirs(self.dir)
        for name in ("rtpbench.c", "mpctl.py", "ngctl.py"):
            source = os.path.join(bench, "tools", name)
            if not os.path.isfile(source):
                fail(f"{source} not found (set --bench)")
            shutil.copy(source, self.dir)
        self.rtpbench = os.path.join(self.dir, "rtpbench")
        built = subprocess.run(["gcc", "-O2", "-Wall", "-pthread", "-o", self.rtpbench, os.path.join(self.dir, "rtpbench.c")],
                               capture_output=True, text=True, timeout=120)
        if built.returncode != 0:
            fail(f"gcc could not build rtpbench:\n{built.stderr}")

    def control(self, tool, arguments, timeout):
        result = subprocess.run([sys.executable, os.path.join(self.dir, tool), *arguments], capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            fail(f"{tool} {' '.join(arguments)} exited {result.returncode}:\n{result.stderr[-2000:]}")
        return result.stdout

    def generate(self, map_file, duration, warmup):
        result = subprocess.run(pinned([self.rtpbench, "-f", map_file, "-d", str(duration), "-w", str(warmup)], GENERATOR_CPU, self.pin),
                                capture_output=True, text=True, timeout=duration + warmup + 60)
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines:
            fail(f"rtpbench exited {result.returncode}:\n{result.stderr[-2000:]}")
        return json.loads(lines[-1])


class NatEdgeRelay:
    name = "natedge"

    def __init__(self, args, work):
        self.socket = os.path.join(work, "relay.sock")
        dll = args.relay_dll or next((c for c in (
            os.path.join(ROOT, "src/MediaRelay/bin/Release/net10.0/natedge-relay.dll"),
            os.path.join(ROOT, "src/MediaRelay/bin/Debug/net10.0/natedge-relay.dll")) if os.path.isfile(c)), None)
        if dll is None or not os.path.isfile(dll):
            fail("natedge-relay.dll not found: build src/MediaRelay -c Release or pass --relay-dll")
        self.log = open(os.path.join(work, "relay.log"), "w")
        def command(relay_dll, control_socket):
            return pinned(["dotnet", relay_dll, "run", "--relay-ip", "127.0.0.1", "--control-socket", control_socket,
                           "--port-range", args.relay_ports, "--port-quarantine", "0"], RELAY_CPU, args.pin)

        self.process = subprocess.Popen(command(dll, self.socket), cwd=work, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: os.path.exists(self.socket), 20, "natedge-relay control socket", self.process)
        self.pid = self.process.pid
        self.command = " ".join(command("natedge-relay.dll", "SOCK"))

    def open(self, tools, calls, map_file, bases):
        tools.control("mpctl.py", ["alloc", str(calls), map_file, "--mediaproxy", self.socket, *bases], timeout=60 + calls * 0.1)

    def close(self, tools, calls):
        tools.control("mpctl.py", ["remove", str(calls), "--mediaproxy", self.socket], timeout=60 + calls * 0.1)

    def stop(self):
        stop(self.process)


class Rtpengine:
    name = "rtpengine"

    def __init__(self, args, work):
        if shutil.which("rtpengine") is None:
            fail("rtpengine is not installed (Debian package rtpengine-daemon)")
        self.ng = f"127.0.0.1:{free_udp_port()}"
        low, high = args.rtpengine_ports.split("-")
        self.command = (f"rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 --listen-ng={self.ng} "
                        f"--port-min={low} --port-max={high} --num-threads={1 if args.pin else 2} --log-stderr --log-level=4 --delete-delay=0 "
                        "--timeout=120 --silent-timeout=3600")
        self.log = open(os.path.join(work, "rtpengine.log"), "w")
        self.command = " ".join(pinned(self.command.split(), RELAY_CPU, args.pin))
        self.process = subprocess.Popen(self.command.split(), cwd=work, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        self.tools = None

    def ready(self, tools):
        def answers():
            return subprocess.run([sys.executable, os.path.join(tools.dir, "ngctl.py"), "ping", "--ng", self.ng],
                                  capture_output=True, text=True, timeout=10).returncode == 0
        wait_until(answers, 20, "rtpengine ng port", self.process)

    def open(self, tools, calls, map_file, bases):
        tools.control("ngctl.py", ["alloc", str(calls), map_file, "--ng", self.ng, *bases], timeout=60 + calls * 0.1)

    def close(self, tools, calls):
        tools.control("ngctl.py", ["delete", str(calls), "--ng", self.ng], timeout=60 + calls * 0.1)

    def stop(self):
        stop(self.process)


def measure(tools, relay, calls, args, work):
    """One run of N calls through RELAY (None: direct); the results fields."""
    map_file = os.path.join(work, f"map-{calls}.txt")
    bases = ["--base-a", str(args.base_a), "--base-b", str(args.base_b)]
    if relay is None:
        tools.control("ngctl.py", ["direct", str(calls), map_file, *bases], timeout=30)
    else:
        relay.open(tools, calls, map_file, bases)
    time.sleep(0.5)
    before = cpu_ticks(relay.pid) if relay else None
    started = time.monotonic()
    result = tools.generate(map_file, args.duration, args.warmup)
    wall = time.monotonic() - started
    after = cpu_ticks(relay.pid) if relay else None
    if relay is not None:
        relay.close(tools, calls)
    os.remove(map_file)
    relay_cpu_s = (after - before) / HZ if before is not None and after is not None else None
    # Every packet sent (warm-up included) crossed the relay once during the measured interval.
    packets = result["pps_sent"] * (args.duration + args.warmup)
    line = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "impl": relay.name if relay else "direct",
        "calls": calls,
        "streams": result["streams"],
        "pps_target": result["pps_target"],
        "pps_sent": result["pps_sent"],
        "pps_recv": result["pps_recv"],
        "loss_pct": result["loss_pct"],
        "dead_streams": result["dead_streams"],
        "p50_us": result["lat_p50_us"],
        "p99_us": result["lat_p99_us"],
        "p999_us": result["lat_p999_us"],
        "relay_cpu_pct": round(100 * relay_cpu_s / wall, 1) if relay_cpu_s is not None else "NA",
        "relay_cpu_us_per_packet": round(relay_cpu_s * 1e6 / packets, 2) if relay_cpu_s is not None and packets > 0 else "NA",
        "generator_cpu_pct": result["gen_cpu_pct"],
        "duration_s": args.duration,
    }
    line["verdict"] = "pass" if (line["loss_pct"] < 0.1 and line["dead_streams"] == 0
                                 and line["pps_sent"] >= 0.99 * line["pps_target"] and line["p99_us"] < 2000) else "fail"
    return line


def format_line(fields):
    return " ".join(f"{k}={v}" for k, v in fields.items())


def ratio_line(calls, direct, natedge, peer):
    def added(line, key):
        return max(line[key] - direct[key], 0)

    def ratio(a, b):
        return f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0 else "NA"

    fields = {
        "calls": calls,
        "natedge_added_p50_us": added(natedge, "p50_us"), "rtpengine_added_p50_us": added(peer, "p50_us"),
        "natedge_added_p99_us": added(natedge, "p99_us"), "rtpengine_added_p99_us": added(peer, "p99_us"),
        "natedge_loss_pct": natedge["loss_pct"], "rtpengine_loss_pct": peer["loss_pct"],
        "p50_ratio": ratio(added(natedge, "p50_us"), added(peer, "p50_us")),
        "p99_ratio": ratio(added(natedge, "p99_us"), added(peer, "p99_us")),
        "cpu_per_packet_ratio": ratio(natedge["relay_cpu_us_per_packet"], peer["relay_cpu_us_per_packet"]),
    }
    return "ratio natedge/rtpengine " + format_line(fields)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", default="250", help="comma-separated call counts (each call: 2 streams)")
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per run (1..120)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds sent before counting")
    parser.add_argument("--peer", choices=["rtpengine"], help="also run through rtpengine and print the ratio")
    parser.add_argument("--relay-dll", help="built natedge-relay.dll (default src/MediaRelay/bin/{Release,Debug})")
    parser.add_argument("--relay-ports", default="40000-49999", help="natedge-relay --port-range")
    parser.add_argument("--rtpengine-ports", default="30000-39999", help="rtpengine --port-min/--port-max")
    parser.add_argument("--base-a", type=int, default=21000, help="first caller port of the generator")
    parser.add_argument("--base-b", type=int, default=23000, help="first callee port of the generator")
    parser.add_argument("--bench", default=os.environ.get("NATEDGE_BENCH_DIR", "/work/shared/bench"), help="the shared bench (tools/)")
    parser.add_argument("--pin", action="store_true",
                        help=f"run the relay on CPU {RELAY_CPU} and the generator on CPU {GENERATOR_CPU} (taskset), "
                             "both relays alike, so they do not take turns on one core; each relay then forwards "
                             "on one thread (natedge-relay: one per CPU it may use; rtpengine: --num-threads=1)")
    parser.add_argument("--out", default=os.environ.get("LOADTEST_OUT", os.path.join(HERE, "results")))
    args = parser.parse_args()
    try:
        counts = [int(c) for c in args.calls.split(",")]
    except ValueError:
        fail("--calls must be whole numbers separated by commas")
    if not counts or min(counts) < 1 or max(counts) > 1000:
        fail("--calls must be 1..1000 (the generator's port blocks hold 1000 calls)")
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 10:
        fail("--duration must be 1..120 and --warmup 0..10 seconds")
    if args.pin and ((os.cpu_count() or 1) < 2 or shutil.which("taskset") is None):
        fail("--pin needs two CPUs and taskset (util-linux)")
    for tool in ("gcc", "dotnet"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not on PATH")
    os.makedirs(args.out, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    results_path = os.path.join(args.out, f"rtp-{stamp}.txt")

    relays = []
    with tempfile.TemporaryDirectory(prefix="natedge-rtp-") as work:
        try:
            tools = Tools(args.bench, work, args.pin)
            relays.append(NatEdgeRelay(args, work))
            if args.peer == "rtpengine":
                peer = Rtpengine(args, work)
                relays.append(peer)
                peer.ready(tools)
            with open(results_path, "w") as results, open(os.path.join(args.out, "rtp-runs.log"), "a") as log:
                results.write(f"# run-rtp.py {' '.join(sys.argv[1:])}\n")
                results.write(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {' '.join(os.uname()[2:5:2])}, {os.cpu_count()} cores\n")
                for relay in relays:
                    results.write(f"# {relay.name}: {relay.command}\n")
                for calls in counts:
                    lines = {}
                    for relay in [None, *relays]:
                        line = measure(tools, relay, calls, args, work)
                        lines[line["impl"]] = line
                        text = format_line(line)
                        print(text, flush=True)
                        results.write(text + "\n")
                        log.write(text + "\n")
                        time.sleep(1)
                    if "rtpengine" in lines:
                        text = ratio_line(calls, lines["direct"], lines["natedge"], lines["rtpengine"])
                        print(text, flush=True)
                        results.write(text + "\n")
                        log.write(text + "\n")
        finally:
            for relay in relays:
                relay.stop()
    print(f"run-rtp: results in {results_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
