#!/usr/bin/env bash
# The floor wirelab is measured against: the same N-router chain built by hand, the cheapest
# way iproute2 allows (one `ip -batch` process per phase), FRR's zebra and bgpd started one
# after another by a shell loop. Written for wirelab's benchmark (npm run bench); prints one
# JSON line: {"tool", "nodes", "build_s", "converge_s", "stop_s"}.
#
#   raw-chain.sh N [--frr]        root; iproute2; FRR (Debian frr) with --frr
#
# Names: namespaces pk0..pkN-1, FRR pathspaces the same, configs in a private temp dir.
set -euo pipefail
n=${1:?usage: raw-chain.sh N [--frr]}
frr=${2:-}
p=pk
work=$(mktemp -d)
chgrp frr "$work" 2>/dev/null || true
chmod 0750 "$work"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# Link i joins node i and node i+1 on 10.<hi>.<lo>.<4i mod 256 + 1|2>/30.
addr() { local i=$1 end=$2 base=$((4 * $1)); printf '10.%d.%d.%d' $((base / 65536)) $(((base / 256) % 256)) $((base % 256 + end)); }

t0=$(now)
for ((i = 0; i < n; i++)); do echo "netns add $p$i"; done | ip -batch -
for ((i = 0; i < n - 1; i++)); do
  echo "link add name e2 netns $p$i type veth peer name e1 netns $p$((i + 1))"
done | ip -batch -
for ((i = 0; i < n; i++)); do
  {
    echo "link set lo up"
    if ((i < n - 1)); then echo "addr add $(addr "$i" 1)/30 dev e2"; echo "link set e2 up"; fi
    if ((i > 0)); then echo "addr add $(addr $((i - 1)) 2)/30 dev e1"; echo "link set e1 up"; fi
  } | ip -n "$p$i" -batch -
  ip netns exec "$p$i" sysctl -qw net.ipv4.ip_forward=1
done
t1=$(now)
conv=null
if [[ $frr == --frr ]]; then
  for ((i = 0; i < n; i++)); do
    mkdir -m 0755 "/var/run/frr/$p$i" && chown frr:frr "/var/run/frr/$p$i"
    conf=$work/$i.conf
    {
      echo "hostname r$i"
      echo "router bgp $((65000 + i))"
      echo " no bgp ebgp-requires-policy"
      echo " bgp router-id 10.255.$((i / 256)).$((i % 256))"
      if ((i > 0)); then echo " neighbor $(addr $((i - 1)) 1) remote-as $((65000 + i - 1))"; fi
      if ((i < n - 1)); then echo " neighbor $(addr "$i" 2) remote-as $((65000 + i + 1))"; fi
      echo " address-family ipv4 unicast"
      echo "  redistribute connected"
    } >"$conf"
    chgrp frr "$conf" && chmod 0640 "$conf"
    ip netns exec "$p$i" /usr/lib/frr/zebra -d -N "$p$i" -f "$conf" -P 0
    ip netns exec "$p$i" /usr/lib/frr/bgpd -d -N "$p$i" -f "$conf" -P 0
  done
  far=$(addr $((n - 2)) 2)
  until ip netns exec "${p}0" ping -c 1 -W 1 "$far" >/dev/null 2>&1; do :; done
  conv=$(elapsed "$t1" "$(now)")
fi
t2=$(now)
# End only this script's daemons, by their pid files, then the namespaces. SIGKILL leaves
# FRR's crash-log directories (/var/tmp/frr/<daemon>.<pid>): note them first, remove after.
crash=()
for ((i = 0; i < n; i++)); do
  for d in bgpd zebra; do
    f=/var/run/frr/$p$i/$d.pid
    if [[ -f $f ]]; then
      pid=$(cat "$f")
      while read -r dir; do crash+=("$dir"); done < <(grep -o '/var/tmp/frr/[a-z0-9]*\.[0-9]*' "/proc/$pid/maps" 2>/dev/null | sort -u)
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
done
for ((i = 0; i < n; i++)); do echo "netns del $p$i"; done | ip -force -batch -
t3=$(now)
rm -rf "$work"
for ((i = 0; i < n; i++)); do rm -rf "/var/run/frr/$p$i"; done
for dir in "${crash[@]}"; do rm -rf -- "$dir"; done
printf '{"tool": "raw-ip-batch", "nodes": %d, "build_s": %s, "converge_s": %s, "stop_s": %s}\n' \
  "$n" "$(elapsed "$t0" "$t1")" "$conv" "$(elapsed "$t2" "$t3")"
