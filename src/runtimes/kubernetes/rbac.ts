// What wirelab asks of a cluster, as RBAC permissions: checked before anything is created
// (SelfSubjectAccessReview, which every authenticated user may ask), so a user without them
// hears which verbs are missing instead of meeting a 403 half-way through a deploy. The
// ClusterRole in docs/kubernetes.md is rendered from the same list (a test holds them equal).
import { stringify } from "yaml";
import { type Cluster, explain, httpCode } from "./client.js";

export interface Permission {
  verb: string;
  resource: string;
  subresource?: string;
  /** Asked in the lab's namespace; otherwise at cluster scope (namespaces themselves). */
  namespaced: boolean;
}

export const PERMISSIONS: readonly Permission[] = [
  // One namespace per lab: made by deploy, deleted (with everything in it) by destroy.
  { verb: "create", resource: "namespaces", namespaced: false },
  { verb: "get", resource: "namespaces", namespaced: false },
  { verb: "delete", resource: "namespaces", namespaced: false },
  { verb: "create", resource: "configmaps", namespaced: true },
  { verb: "create", resource: "pods", namespaced: true },
  { verb: "get", resource: "pods", namespaced: true },
  { verb: "list", resource: "pods", namespaced: true },
  // Cables, addresses and daemons are set up inside the pods. An exec is a GET upgraded to a
  // WebSocket: older API servers check `get` on it, newer ones (1.31+) `create` as well.
  { verb: "create", resource: "pods", subresource: "exec", namespaced: true },
  { verb: "get", resource: "pods", subresource: "exec", namespaced: true },
];

export function permissionText(p: Permission): string {
  return `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ""}`;
}

/**
 * The permissions this user lacks for a lab in `namespace`; undefined when the cluster
 * cannot tell (no SelfSubjectAccessReview API): the requests themselves will say.
 */
export async function missingPermissions(c: Cluster, namespace: string): Promise<Permission[] | undefined> {
  try {
    const answers = await Promise.all(
      PERMISSIONS.map(async (p) => {
        const r = await c.authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: {
              resourceAttributes: {
                verb: p.verb,
                group: "",
                resource: p.resource,
                ...(p.subresource ? { subresource: p.subresource } : {}),
                ...(p.namespaced ? { namespace } : {}),
              },
            },
          },
        });
        return r.status?.allowed === true;
      }),
    );
    return PERMISSIONS.filter((_, i) => !answers[i]);
  } catch (e) {
    const code = httpCode(e);
    if (code === 403 || code === 404) return undefined;
    throw explain(c, "asking the cluster which permissions wirelab has (SelfSubjectAccessReview)", e);
  }
}

export function missingMessage(c: Pick<Cluster, "context">, namespace: string, missing: readonly Permission[]): string {
  const cluster = missing.filter((p) => !p.namespaced).map(permissionText);
  const inNs = missing.filter((p) => p.namespaced).map(permissionText);
  const parts = [
    ...(cluster.length ? [`${cluster.join(", ")} (cluster-wide)`] : []),
    ...(inNs.length ? [`${inNs.join(", ")} (in namespace ${namespace})`] : []),
  ];
  return `the cluster of context ${c.context} does not allow this user to ${parts.join("; ")}: wirelab needs these RBAC verbs; bind the ClusterRole of docs/kubernetes.md to the user`;
}

/** A 403 met during a deploy or destroy, explained with the permissions found missing. */
export async function forbidden(c: Cluster, namespace: string, doing: string, e: unknown): Promise<Error> {
  const said = explain(c, doing, e).message;
  const missing = await missingPermissions(c, namespace).catch(() => undefined);
  if (!missing?.length) return explain(c, doing, e);
  return new Error(`${said}; ${missingMessage(c, namespace, missing)}`);
}

/** The ClusterRole and binding that grant exactly PERMISSIONS (docs/kubernetes.md shows it). */
export function clusterRoleYaml(subject = "wirelab"): string {
  const rules = new Map<string, string[]>();
  for (const p of PERMISSIONS) {
    const r = `${p.resource}${p.subresource ? `/${p.subresource}` : ""}`;
    rules.set(r, [...(rules.get(r) ?? []), p.verb]);
  }
  const role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "wirelab" },
    rules: [...rules].map(([resource, verbs]) => ({ apiGroups: [""], resources: [resource], verbs })),
  };
  const binding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "wirelab" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "wirelab" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: subject }],
  };
  return `${stringify(role).trimEnd()}\n---\n${stringify(binding).trimEnd()}\n`;
}
