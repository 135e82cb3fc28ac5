// The Kubernetes API through @kubernetes/client-node, configured the standard way
// (KUBECONFIG, else ~/.kube/config, else the in-cluster service account). The library is
// loaded only when a kubernetes lab is deployed, inspected or destroyed: it takes about a
// second to load, which no netns or docker command should pay.
import { access } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type * as K8s from "@kubernetes/client-node";
import { DeployError } from "../../core/executor.js";

type Lib = typeof K8s;
let lib: Promise<Lib> | undefined;
export function k8s(): Promise<Lib> {
  lib ??= import("@kubernetes/client-node");
  return lib;
}

/** Every API request gives up after this long: a cluster that does not answer must not hang deploy. */
export const REQUEST_TIMEOUT_MS = Number(process.env.WIRELAB_K8S_TIMEOUT_MS ?? 15_000);

/** A refusal or failure of the cluster, told in the lab's terms: deploy reports it as its own failure. */
export class KubeError extends DeployError {}

export interface Cluster {
  kc: K8s.KubeConfig;
  /** The context used (recorded in the lab state, so destroy asks the same cluster). */
  context: string;
  server: string;
  core: K8s.CoreV1Api;
  authz: K8s.AuthorizationV1Api;
  version: K8s.VersionApi;
  lib: Lib;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Where configuration would come from; undefined when there is none at all. */
async function configSource(): Promise<string | undefined> {
  const env = process.env.KUBECONFIG;
  if (env) {
    for (const f of env.split(path.delimiter).filter(Boolean)) if (await exists(f)) return `KUBECONFIG (${env})`;
    return undefined;
  }
  const home = path.join(os.homedir(), ".kube", "config");
  if (await exists(home)) return home;
  if (process.env.KUBERNETES_SERVICE_HOST) return "the in-cluster service account";
  return undefined;
}

const clusters = new Map<string, Promise<Cluster>>();

/** The API client for a context (the kubeconfig's current one when undefined); cached per configuration. */
export function cluster(context?: string): Promise<Cluster> {
  const key = `${process.env.KUBECONFIG ?? ""}\0${context ?? ""}`;
  let c = clusters.get(key);
  if (!c) {
    c = connect(context);
    clusters.set(key, c);
    c.catch(() => clusters.delete(key));
  }
  return c;
}

async function connect(context?: string): Promise<Cluster> {
  const source = await configSource();
  if (!source) {
    throw new KubeError(
      `no Kubernetes cluster is configured: ${process.env.KUBECONFIG ? `no file of KUBECONFIG=${process.env.KUBECONFIG} exists` : `KUBECONFIG is unset and ${path.join(os.homedir(), ".kube", "config")} does not exist`}, and wirelab does not run inside a cluster; point KUBECONFIG at a cluster (kind, k3s: docs/kubernetes.md) or use --runtime netns`,
    );
  }
  const l = await k8s();
  const kc = new l.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    throw new KubeError(`cannot read the Kubernetes configuration from ${source}: ${(e as Error).message}`);
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeError(
        `no context '${context}' in ${source} (contexts: ${known.join(", ") || "none"}); give --context one of them`,
      );
    }
    kc.setCurrentContext(context);
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new KubeError(`context '${kc.getCurrentContext()}' in ${source} names no cluster server`);
  // Each request carries its own deadline (node-fetch has none by default).
  const config = l.createConfiguration({
    baseServer: new l.ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (ctx) => {
          ctx.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
          return ctx;
        },
        post: async (res) => res,
      },
    ],
  });
  return {
    kc,
    context: kc.getCurrentContext(),
    server,
    core: new l.CoreV1Api(config),
    authz: new l.AuthorizationV1Api(config),
    version: new l.VersionApi(config),
    lib: l,
  };
}

/** A Kubernetes Status object (the body of every API error), as far as wirelab reads it. */
export interface ApiStatus {
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The HTTP status of an API error; undefined for a transport error (no answer at all). */
export function httpCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

export function apiStatus(e: unknown): ApiStatus {
  const body = (e as { body?: unknown } | undefined)?.body;
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as ApiStatus;
    } catch {
      return { message: body.trim().slice(0, 300) };
    }
  }
  return body && typeof body === "object" ? (body as ApiStatus) : {};
}

/** Why no answer came: a refused connection, a name that does not resolve, a timeout, TLS. */
function transportReason(e: unknown): string | undefined {
  const err = e as { name?: string; code?: unknown; type?: string; message?: string };
  if (err?.name === "AbortError" || err?.name === "TimeoutError") {
    return `no answer within ${Math.round(REQUEST_TIMEOUT_MS / 1000)} s`;
  }
  if (httpCode(e) !== undefined) return undefined;
  if (err?.type === "system" || typeof err?.code === "string") {
    return (err.message ?? "").replace(/^request to \S+ failed, reason: /, "") || String(err.code);
  }
  return undefined;
}

export function unreachable(c: Pick<Cluster, "server" | "context">, reason: string): KubeError {
  return new KubeError(
    `no Kubernetes API server answers at ${c.server} (context ${c.context}): ${reason}; check KUBECONFIG and --context, or run the lab with --runtime netns`,
  );
}

/**
 * An API failure as a KubeError naming what was asked (`doing`: "create pod wl-x/r1") and
 * the cluster's own reason. 403s are explained by the caller, which knows the permissions
 * (rbac.ts); this gives the cluster's message for them.
 */
export function explain(c: Pick<Cluster, "server" | "context">, doing: string, e: unknown): KubeError {
  if (e instanceof KubeError) return e;
  const reason = transportReason(e);
  if (reason) return unreachable(c, reason);
  const code = httpCode(e);
  const status = apiStatus(e);
  if (code === 401) {
    return new KubeError(
      `${doing}: the API server at ${c.server} refused the credentials of context ${c.context} (401 Unauthorized)`,
    );
  }
  return new KubeError(
    `${doing}: ${status.message ?? (e as Error).message?.split("\n")[0] ?? String(e)}${code ? ` (HTTP ${code}${status.reason ? ` ${status.reason}` : ""})` : ""}`,
  );
}
