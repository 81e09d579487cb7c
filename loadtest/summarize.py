#!/usr/bin/env python3
"""Markdown tables from the results files of run-sip.sh (sip-*.txt) and run-rtp.py (rtp-*.txt).

  loadtest/summarize.py DIR     prints one table per results file, in the order the files were written
"""
import glob
import os
import sys


def fields(line):
    return dict(part.split("=", 1) for part in line.split() if "=" in part)


def sip_table(path):
    lines = [l.rstrip("\n") for l in open(path)]
    header = [l[2:] for l in lines if l.startswith("# ")]
    runs = [fields(l) for l in lines if l.startswith("time=")]
    ratio = next((l for l in lines if l.startswith("ratio ")), None)
    if not runs:
        return ""
    out = [f"### {runs[0]['scenario']} (`{os.path.basename(path)}`)", ""]
    out += [f"`{h}`  " for h in header] + [""]
    out.append("| impl | rate/s | result | failed | challenges | p50 / p99 ms | proxy CPU s per 1,000 | proxy CPU % | DB CPU s | SIPp UAC / UAS CPU s |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        wall = float(r.get("wall_s", "0") or 0)
        cpu = float(r["proxy_cpu_s"]) if r.get("proxy_cpu_s", "NA") != "NA" else None
        pct = f"{100 * cpu / wall:.0f}" if cpu is not None and wall > 0 else "NA"
        verdict = r["verdict"] + (f" ({r['reason']})" if "reason" in r else "")
        out.append(f"| {r['impl']} | {r['rate']} | {verdict} | {r['failed']}/{r['calls']} | {r['challenges']} | "
                   f"{r['p50_ms']} / {r['p99_ms']} | {r['cpu_s_per_1000']} | {pct} | {r['db_cpu_s']} | {r['uac_cpu_s']} / {r['uas_cpu_s']} |")
    if ratio:
        out += ["", f"`{ratio}`"]
    return "\n".join(out) + "\n"


def rtp_table(path):
    lines = [l.rstrip("\n") for l in open(path)]
    header = [l[2:] for l in lines if l.startswith("# ")]
    runs = [fields(l) for l in lines if l.startswith("time=")]
    ratios = [l for l in lines if l.startswith("ratio ")]
    out = [f"### RTP (`{os.path.basename(path)}`)", ""]
    out += [f"`{h}`  " for h in header] + [""]
    out.append("| calls | path | pps offered / received | loss % | one-way p50 / p99 / p99.9 µs | relay CPU % | relay CPU µs per packet | generator CPU % | result |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        out.append(f"| {r['calls']} | {r['impl']} | {float(r['pps_target']):.0f} / {float(r['pps_recv']):.0f} | {r['loss_pct']} | "
                   f"{r['p50_us']} / {r['p99_us']} / {r['p999_us']} | {r['relay_cpu_pct']} | {r['relay_cpu_us_per_packet']} | {r['generator_cpu_pct']} | {r['verdict']} |")
    out += [""] + [f"`{l}`  " for l in ratios]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.txt")), key=os.path.getmtime):
        name = os.path.basename(path)
        print(sip_table(path) if name.startswith("sip-") else rtp_table(path) if name.startswith("rtp-") else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
