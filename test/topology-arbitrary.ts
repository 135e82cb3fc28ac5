// A fast-check generator of valid topologies, shared by the loader's property tests and the
// integration test that deploys small random labs.
import fc from "fast-check";

const PORT_NAMES = ["1", "2", "eth0", "swp1", "Ethernet1/1", "GigabitEthernet0/0/1", "e1-49", "Gi 0/2", "x:y"];

/** A valid topology: nodes, a spanning chain of links with /30s, eBGP by node name. */
export const validTopology = fc
  .record({
    n: fc.integer({ min: 2, max: 8 }),
    kinds: fc.array(fc.constantFrom("frr", "linux"), { minLength: 8, maxLength: 8 }),
    ports: fc.array(fc.constantFrom(...PORT_NAMES), { minLength: 16, maxLength: 16 }),
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/), { minLength: 8, maxLength: 8 }),
  })
  .map(({ n, kinds, ports, names }) => {
    const nodes: Record<string, unknown> = {};
    const links: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const kind = kinds[i] ?? "frr";
      nodes[names[i] as string] =
        kind === "frr" ? { bgp: { asn: 65000 + i, "router-id": `10.255.0.${i + 1}` } } : { kind };
    }
    for (let i = 0; i + 1 < n; i++) {
      // The two ports of a node in the middle must differ: index them.
      const a = `${ports[2 * i]}${i}`.replace(/^x:y/, "xy");
      const b = `${ports[2 * i + 1]}${i}b`.replace(/^x:y/, "xy");
      links.push({
        endpoints: [
          { endpoint: `${names[i]}:${a}`, ip: `10.0.${i}.1/30` },
          { endpoint: `${names[i + 1]}:${b}`, ip: `10.0.${i}.2/30` },
        ],
      });
    }
    return { name: "fuzz", nodes, links, n, names: names.slice(0, n) };
  });
