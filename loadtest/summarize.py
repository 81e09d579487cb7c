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
    extras = extra_columns(runs)
    out.append("| impl | rate/s | result | failed | challenges | p50 / p99 ms | proxy CPU s per 1,000 | proxy CPU % | DB CPU s | SIPp UAC / UAS CPU s |"
               + "".join(f" {title} |" for title, _ in extras))
    out.append("| --- " * (10 + len(extras)) + "|")
    for r in runs:
        wall = float(r.get("wall_s", "0") or 0)
        cpu = float(r["proxy_cpu_s"]) if r.get("proxy_cpu_s", "NA") != "NA" else None
        pct = f"{100 * cpu / wall:.0f}" if cpu is not None and wall > 0 else "NA"
        verdict = r["verdict"] + (f" ({r['reason']})" if "reason" in r else "")
        out.append(f"| {r['impl']} | {r['rate']} | {verdict} | {r['failed']}/{r['calls']} | {r['challenges']} | "
                   f"{r['p50_ms']} / {r['p99_ms']} | {r['cpu_s_per_1000']} | {pct} | {r['db_cpu_s']} | {r['uac_cpu_s']} / {r['uas_cpu_s']} |"
                   + "".join(f" {cell(r)} |" for _, cell in extras))
    peers = sorted({r["impl"] for r in runs} - {"natedge"})
    if ratio:
        out += ["", f"`{ratio}`"]
    elif peers:
        out += ["", f"`{computed_ratio(runs, peers[0])}` (computed here from the lines above: the runner of this file stopped before its ratio line)"]
    return "\n".join(out) + "\n"


def extra_columns(runs):
    """Columns of the database, media and memory fields, for the files whose lines carry them."""
    get = lambda key: lambda r: r.get(key, "NA")
    columns = []
    if any(r.get("db", "none") not in ("none", "NA") for r in runs):
        columns.append(("DB / usrloc db_mode / location rows", lambda r: f"{r['db']} / {r['usrloc_db_mode']} / {r.get('location_rows', 'NA')}"))
    if any(r["scenario"] == "callmedia" for r in runs):
        columns += [("relay CPU s", get("relay_cpu_s")),
                    ("relay sessions / packets", lambda r: f"{r.get('media_sessions', 'NA')} / {r.get('relayed_packets', 'NA')}")]
    if any(r["scenario"] == "memory" for r in runs):
        columns += [("registrations", get("aors_registered")),
                    ("PSS idle / loaded kB", lambda r: f"{r.get('pss_idle_kb', 'NA')} / {r.get('pss_kb', 'NA')}"),
                    ("PSS added kB", get("pss_added_kb")), ("bytes per registration", get("bytes_per_registration"))]
    return columns


def computed_ratio(runs, peer):
    """run-sip.sh's ratio line: best passing rates, and CPU per 1,000 calls at the highest rate both passed."""
    passed = {impl: {int(r["rate"]): r for r in runs if r["impl"] == impl and r["verdict"] == "pass"} for impl in ("natedge", peer)}
    best = {impl: max(rates, default=0) for impl, rates in passed.items()}
    common = max(set(passed["natedge"]) & set(passed[peer]), default=None)
    ours = passed["natedge"][common]["cpu_s_per_1000"] if common else "NA"
    theirs = passed[peer][common]["cpu_s_per_1000"] if common else "NA"
    rate_ratio = f"{best['natedge'] / best[peer]:.2f}" if best[peer] else "NA"
    cpu_ratio = f"{float(ours) / float(theirs):.2f}" if common and float(theirs) > 0 else "NA"
    return (f"ratio natedge/{peer} scenario={runs[0]['scenario']} best_rate natedge={best['natedge']} {peer}={best[peer]} rate_ratio={rate_ratio} "
            f"cpu_per_1000_at={common or 'NA'} natedge_cpu_s_per_1000={ours} {peer}_cpu_s_per_1000={theirs} cpu_ratio={cpu_ratio}")


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
