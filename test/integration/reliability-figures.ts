// The reliability matrix's figures, shared by the tests that use them and by the unit test
// that keeps docs/reliability.md in step with them.
export const DECOYS = {
  /** One namespace named like a lab's node, one like a node of a lab that could be deployed. */
  namespaces: ["wl_decoylab_ops1", "wl_rsafe2_ops1"],
  veth: ["wldecoy0", "wldecoy1"] as const,
  bridge: "wlbrdecoy",
  frrDir: "/var/run/frr/wl_decoylab_r1",
  /** Created only where a Docker engine answers (CI starts one). */
  container: "wl_decoylab_c1",
};

/** Points of a deploy at which cli.test.ts sends SIGKILL, then destroys. */
export const KILL_POINTS = ["state", "namespaces", "daemons"] as const;

/** Property-based cases per property in test/unit/topology-fuzz.test.ts. */
export const FUZZ_RUNS = 300;

/** Small random valid labs deployed and destroyed by reliability.test.ts. */
export const RANDOM_LABS = 3;
