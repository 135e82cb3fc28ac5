#!/usr/bin/python3
"""The Mininet peer of wirelab's benchmark (npm run bench), written for it: the same N-router
chain built with Mininet (Debian's mininet package), hosts joined directly by veth links, a
/30 per link, forwarding on, and with --frr FRR's zebra and bgpd per host (eBGP, one AS per
router, redistribute connected). Prints one JSON line like bench/peers/raw-chain.sh.

    mininet-chain.py N [--frr]      root; Debian mininet; FRR with --frr
"""
import json
import os
import shutil
import sys
import tempfile
import time

from mininet.log import setLogLevel
from mininet.net import Mininet


def addr(link: int, end: int) -> str:
    base = 4 * link
    return f"10.{base // 65536}.{(base // 256) % 256}.{base % 256 + end}"


def main() -> None:
    n = int(sys.argv[1])
    frr = "--frr" in sys.argv[2:]
    setLogLevel("error")
    t0 = time.time()
    net = Mininet(topo=None, controller=None, build=False, autoSetMacs=False, waitConnected=False)
    hosts = [net.addHost(f"mn{i}", ip=None) for i in range(n)]
    for i in range(n - 1):
        net.addLink(hosts[i], hosts[i + 1], intfName1=f"mn{i}-e2", intfName2=f"mn{i + 1}-e1")
    net.build()
    for i in range(n - 1):
        hosts[i].cmd(f"ip addr add {addr(i, 1)}/30 dev mn{i}-e2")
        hosts[i + 1].cmd(f"ip addr add {addr(i, 2)}/30 dev mn{i + 1}-e1")
    for h in hosts:
        h.cmd("sysctl -qw net.ipv4.ip_forward=1")
    t1 = time.time()
    conv = None
    work = tempfile.mkdtemp(prefix="mnfrr-")
    if frr:
        for i, h in enumerate(hosts):
            lines = [f"hostname r{i}", f"router bgp {65000 + i}", " no bgp ebgp-requires-policy",
                     f" bgp router-id 10.255.{i // 256}.{i % 256}"]
            if i > 0:
                lines.append(f" neighbor {addr(i - 1, 1)} remote-as {65000 + i - 1}")
            if i < n - 1:
                lines.append(f" neighbor {addr(i, 2)} remote-as {65000 + i + 1}")
            lines += [" address-family ipv4 unicast", "  redistribute connected"]
            conf = os.path.join(work, f"{i}.conf")
            with open(conf, "w") as f:
                f.write("\n".join(lines) + "\n")
            shutil.chown(conf, group="frr")
            os.chmod(conf, 0o640)
            os.chmod(work, 0o751)
            run = f"/var/run/frr/mn{i}"
            os.mkdir(run, 0o755)
            shutil.chown(run, "frr", "frr")
            h.cmd(f"/usr/lib/frr/zebra -d -N mn{i} -f {conf} -P 0")
            h.cmd(f"/usr/lib/frr/bgpd -d -N mn{i} -f {conf} -P 0")
        far = addr(n - 2, 2)
        deadline = time.time() + 300
        while time.time() < deadline:
            if " 0% packet loss" in hosts[0].cmd(f"ping -c 1 -W 1 {far}"):
                conv = time.time() - t1
                break
    t2 = time.time()
    crash = set()
    if frr:
        # Only this script's daemons, by their pid files. SIGKILL leaves FRR's crash-log
        # directories (/var/tmp/frr/<daemon>.<pid>): note them first, remove them after.
        for i in range(n):
            for d in ("bgpd", "zebra"):
                try:
                    with open(f"/var/run/frr/mn{i}/{d}.pid") as f:
                        pid = int(f.read().strip())
                    with open(f"/proc/{pid}/maps") as m:
                        crash.update(w for line in m for w in line.split() if w.startswith("/var/tmp/frr/"))
                    os.kill(pid, 9)
                except (OSError, ValueError):
                    pass
    net.stop()
    t3 = time.time()
    shutil.rmtree(work, ignore_errors=True)
    for i in range(n):
        shutil.rmtree(f"/var/run/frr/mn{i}", ignore_errors=True)
    for d in {os.path.dirname(p) for p in crash}:
        shutil.rmtree(d, ignore_errors=True)
    print(json.dumps({"tool": "mininet", "nodes": n, "build_s": round(t1 - t0, 3),
                      "converge_s": None if conv is None else round(conv, 3), "stop_s": round(t3 - t2, 3)}))


if __name__ == "__main__":
    main()
