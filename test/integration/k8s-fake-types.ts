// The fake API server's types and test-side helpers (k8s-fake-api.ts): what a test decides
// about pods and commands, the kubelet that runs pods for real, and the server's TLS.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runOk } from "../../src/util/exec.js";

// biome-ignore lint/suspicious/noExplicitAny: objects off the wire (JSON), read the way the API server reads them
export type Obj = Record<string, any>;

export interface ExecAnswer {
  code: number;
  stdout?: string;
  stderr?: string;
}

/** What becomes of a pod after it is created (decided per pod by the test). */
export type PodFate = { run: true } | { imagePull: string } | { unschedulable: string } | { sysctlForbidden: string };

/**
 * Runs pods for real (k8s-fake-kubelet.ts): when given, a created pod is started by it, an
 * exec runs in it, and deleting the namespace stops its pods before the namespace is gone.
 */
export interface Kubelet {
  /** Starts the pod; resolves with its IP. `configMap` looks up the pod's ConfigMaps. */
  start(pod: Obj, configMap: (name: string) => Obj | undefined): Promise<string>;
  exec(pod: Obj, argv: string[]): Promise<ExecAnswer>;
  stop(pod: Obj): Promise<void>;
}

export interface FakeOptions {
  kubelet?: Kubelet;
  /** Permissions the user lacks, as "verb resource[/sub]" ("create pods/exec"). */
  deny?: Set<string>;
  fate?: (pod: Obj) => PodFate;
  /** Answers a command run in a pod; the default answers `ip -j addr show` and succeeds otherwise. */
  exec?: (pod: string, argv: string[]) => ExecAnswer | undefined;
  /** How many reads a deleted namespace still answers (Terminating) before it is gone. */
  terminatingReads?: number;
  /** MTU of the pods' eth0 (the pod network). */
  podMtu?: number;
}

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: Obj;
}

export const TOKEN = "wirelab-test-token";

export interface Tls {
  key: string;
  cert: string;
}

/** A key and a self-signed certificate for 127.0.0.1, made with openssl in `dir`. */
export async function selfSignedCert(dir: string): Promise<Tls> {
  const key = path.join(dir, "api.key");
  const cert = path.join(dir, "api.crt");
  await runOk("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
    ...["-subj", "/CN=fake-kube-api", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
  ]);
  return { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
}
