// How the kubernetes runtime reads a pod's status and an exec's end: what runs, what is on
// its way, what will never run and why (as the kubelet and the scheduler report it).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { exitCode } from "../../src/runtimes/kubernetes/exec.js";
import { podVerdict } from "../../src/runtimes/kubernetes/pods.js";

const pod = (status: V1Pod["status"], spec: Partial<NonNullable<V1Pod["spec"]>> = {}): V1Pod => ({
  spec: { containers: [{ name: "node", image: "img:1", resources: { requests: { memory: "25Mi" } } }], ...spec },
  status,
});
const waiting = (reason: string, message?: string) => ({
  phase: "Pending",
  containerStatuses: [
    {
      name: "node",
      image: "img:1",
      imageID: "",
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, message } },
    },
  ],
});

test("running with an IP; on its way while pending, creating or without an IP", () => {
  const running = { running: { startedAt: new Date() } };
  const cs = [{ name: "node", image: "img:1", imageID: "", ready: true, restartCount: 0, state: running }];
  assert.deepEqual(podVerdict(pod({ phase: "Running", podIP: "10.1.0.5", containerStatuses: cs })), {
    state: "running",
    ip: "10.1.0.5",
  });
  assert.deepEqual(podVerdict(pod({ phase: "Running", containerStatuses: cs })), {
    state: "waiting",
    why: "Running (no pod IP yet)",
  });
  assert.deepEqual(podVerdict(pod(waiting("ContainerCreating"))), {
    state: "waiting",
    why: "Pending (ContainerCreating)",
  });
  assert.deepEqual(podVerdict(pod(undefined)), { state: "waiting", why: "Pending (no pod IP yet)" });
});

test("never: the image, the container's exit, a node-selector no machine matches", () => {
  assert.match(
    (podVerdict(pod(waiting("ErrImagePull", "rpc error: not found"))) as { why: string }).why,
    /^image img:1 cannot be pulled \(ErrImagePull: rpc error: not found\)/,
  );
  assert.match(
    (podVerdict(pod(waiting("CreateContainerError", "no such file"))) as { why: string }).why,
    /cannot start/,
  );
  const exited = {
    phase: "Running",
    containerStatuses: [
      {
        name: "node",
        image: "img:1",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 127 } },
      },
    ],
  };
  assert.equal(podVerdict(pod(exited)).state, "failed");
  assert.match((podVerdict(pod(exited)) as { why: string }).why, /exit 127\); its command must keep running/);
  const unsched = {
    phase: "Pending",
    conditions: [
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
      },
    ],
  };
  assert.match(
    (podVerdict(pod(unsched, { nodeSelector: { "kubernetes.io/hostname": "w9" } })) as { why: string }).why,
    /short of a machine labelled kubernetes.io\/hostname=w9 \(its node-selector\)/,
  );
});

test("an exec's exit code from its final status", () => {
  assert.equal(exitCode({ status: "Success" }), 0);
  assert.equal(
    exitCode({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "2" }] },
    }),
    2,
  );
  assert.equal(exitCode({ status: "Failure", message: 'exec: "vtysh": executable file not found in $PATH' }), 127);
  assert.equal(exitCode(undefined), 1);
});
