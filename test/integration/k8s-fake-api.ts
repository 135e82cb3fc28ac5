// An in-process Kubernetes API server for the kubernetes runtime's tests: HTTPS (node:https
// with a throwaway self-signed certificate, trusted through the kubeconfig as kind's is) on
// 127.0.0.1, speaking the real paths, verbs and shapes of what wirelab uses (version,
// SelfSubjectAccessReview, namespaces, ConfigMaps, pods, pod lists by label, exec over a
// WebSocket with the v5/v4 channel protocol, foreground namespace deletion). Every object
// posted is validated against the Kubernetes schemas (kubernetes-models) and the API's
// generated models, as a real server would refuse or drop what is wrong. The boundary is
// mocked here and nowhere else: what runs inside a pod is answered by `exec`.
import { writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ConfigMap, Namespace, Pod } from "kubernetes-models/v1";
import { WebSocketServer } from "ws";
import { unknownFields } from "../unit/k8s-strict.js";

import { type ExecAnswer, type FakeOptions, type Obj, type Seen, type Tls, TOKEN } from "./k8s-fake-types.js";

export type { ExecAnswer, FakeOptions, Kubelet, Obj, PodFate, Tls } from "./k8s-fake-types.js";
export { selfSignedCert } from "./k8s-fake-types.js";

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  };
}

export class FakeKubeApi {
  readonly requests: Seen[] = [];
  readonly execs: { pod: string; argv: string[] }[] = [];
  readonly namespaces = new Map<string, Obj>();
  readonly pods = new Map<string, Obj>();
  readonly configMaps = new Map<string, Obj>();
  /** Rejected objects: the test fails if wirelab ever sends one. */
  readonly invalid: string[] = [];
  deny: Set<string>;
  private server: Server;
  private wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (p) => (p.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : ([...p][0] ?? false)),
  });
  private lists = new Map<string, number>();
  private terminating = new Map<string, number>();
  private stopping = new Set<string>();
  private nextIp = 10;

  constructor(
    private readonly tls: Tls,
    private readonly opts: FakeOptions = {},
  ) {
    this.deny = opts.deny ?? new Set();
    this.server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      void this.handle(req, res).catch((e) => this.send(res, 500, status(500, "InternalError", String(e))));
    });
    this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return this.url;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A kubeconfig for this server (context "fake", a bearer token) written as `dir/<name>`. */
  async kubeconfig(dir: string, name: string, token = TOKEN): Promise<string> {
    const server = this.url;
    const file = path.join(dir, name);
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "fake",
            cluster: { server, "certificate-authority-data": Buffer.from(this.tls.cert).toString("base64") },
          },
        ],
        users: [{ name: "wirelab", user: { token } }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "wirelab" } }],
        "current-context": "fake",
      }),
    );
    return file;
  }

  private send(res: ServerResponse, code: number, body: Obj): void {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private denied(verb: string, resource: string): boolean {
    return this.deny.has(`${verb} ${resource}`);
  }

  private forbidden(res: ServerResponse, verb: string, resource: string, ns?: string): void {
    const [r, sub] = resource.split("/");
    this.send(
      res,
      403,
      status(
        403,
        "Forbidden",
        `${resource} is forbidden: User "wirelab" cannot ${verb} resource "${r}"${sub ? `/${sub}` : ""} in API group "" ${ns ? `in the namespace "${ns}"` : "at the cluster scope"}`,
        { kind: r },
      ),
    );
  }

  private validate(kind: string, body: Obj): boolean {
    const Model = { Namespace, ConfigMap, Pod }[kind as "Pod"];
    try {
      new Model(body as never).validate();
      const extra = unknownFields(body, `V1${kind}`);
      if (extra.length) throw new Error(`unknown fields ${extra.join(", ")}`);
      return true;
    } catch (e) {
      this.invalid.push(`${kind} ${body?.metadata?.name}: ${(e as Error).message}`);
      return false;
    }
  }

  private async body(req: IncomingMessage): Promise<Obj | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? (JSON.parse(text) as Obj) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const body = await this.body(req);
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body });
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return this.send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    const p = url.pathname.replace(/\/$/, "").split("/").slice(1);

    if (method === "GET" && url.pathname.startsWith("/version")) {
      return this.send(res, 200, { major: "1", minor: "31", gitVersion: "v1.31.0-fake", platform: "linux/amd64" });
    }
    if (method === "POST" && url.pathname === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      const a = body?.spec?.resourceAttributes ?? {};
      const allowed = !this.denied(a.verb, `${a.resource}${a.subresource ? `/${a.subresource}` : ""}`);
      return this.send(res, 201, { ...body, status: { allowed, ...(allowed ? {} : { reason: "no RBAC rule" }) } });
    }
    // /api/v1/namespaces[/NAME[/KIND[/NAME]]]
    if (p[0] !== "api" || p[1] !== "v1" || p[2] !== "namespaces")
      return this.send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    const [ns, kind, name] = [p[3], p[4], p[5]];
    if (!ns) {
      if (method !== "POST" || !body) return this.send(res, 405, status(405, "MethodNotAllowed", "not here"));
      if (this.denied("create", "namespaces")) return this.forbidden(res, "create", "namespaces");
      if (!this.validate("Namespace", body)) return this.send(res, 422, status(422, "Invalid", "invalid Namespace"));
      const n = body.metadata.name as string;
      if (this.namespaces.has(n))
        return this.send(res, 409, status(409, "AlreadyExists", `namespaces "${n}" already exists`));
      const obj = { ...body, status: { phase: "Active" } };
      this.namespaces.set(n, obj);
      this.onNamespaceCreated?.(n);
      return this.send(res, 201, obj);
    }
    const nsObj = this.namespaces.get(ns);
    if (!kind) {
      if (method === "GET") {
        if (!nsObj)
          return this.send(
            res,
            404,
            status(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" }),
          );
        const left = this.terminating.get(ns);
        if (left !== undefined && !this.stopping.has(ns)) {
          if (left <= 0) {
            this.namespaces.delete(ns);
            this.terminating.delete(ns);
            return this.send(res, 404, status(404, "NotFound", `namespaces "${ns}" not found`));
          }
          this.terminating.set(ns, left - 1);
        }
        return this.send(res, 200, nsObj);
      }
      if (method === "DELETE") {
        if (this.denied("delete", "namespaces")) return this.forbidden(res, "delete", "namespaces");
        if (!nsObj) return this.send(res, 404, status(404, "NotFound", `namespaces "${ns}" not found`));
        const gone = [...this.pods.entries()].filter(([k]) => k.startsWith(`${ns}/`));
        for (const [k] of gone) this.pods.delete(k);
        const kubelet = this.opts.kubelet;
        if (kubelet) {
          // Terminating until the kubelet has stopped every pod, as a real namespace is.
          this.stopping.add(ns);
          void Promise.allSettled(gone.map(([, pod]) => kubelet.stop(pod))).then(() => this.stopping.delete(ns));
        }
        for (const k of [...this.configMaps.keys()]) if (k.startsWith(`${ns}/`)) this.configMaps.delete(k);
        nsObj.status = { phase: "Terminating" };
        this.terminating.set(ns, this.opts.terminatingReads ?? 2);
        return this.send(res, 200, nsObj);
      }
    }
    if (!nsObj || this.terminating.has(ns)) {
      return this.send(res, 404, status(404, "NotFound", `namespaces "${ns}" not found`));
    }
    if (kind === "configmaps" && method === "POST" && body) {
      if (this.denied("create", "configmaps")) return this.forbidden(res, "create", "configmaps", ns);
      if (!this.validate("ConfigMap", body)) return this.send(res, 422, status(422, "Invalid", "invalid ConfigMap"));
      this.configMaps.set(`${ns}/${body.metadata.name}`, body);
      return this.send(res, 201, body);
    }
    if (kind === "pods" && method === "POST" && body) {
      if (this.denied("create", "pods")) return this.forbidden(res, "create", "pods", ns);
      if (!this.validate("Pod", body)) return this.send(res, 422, status(422, "Invalid", "invalid Pod"));
      const key = `${ns}/${body.metadata.name}`;
      if (this.pods.has(key))
        return this.send(res, 409, status(409, "AlreadyExists", `pods "${body.metadata.name}" already exists`));
      const pod: Obj = {
        ...body,
        metadata: { ...body.metadata, uid: key },
        status: { phase: "Pending", conditions: [] },
      };
      this.pods.set(key, pod);
      const kubelet = this.opts.kubelet;
      if (kubelet) {
        kubelet
          .start(pod, (n) => this.configMaps.get(`${ns}/${n}`))
          .then(
            (podIP) => {
              const c = {
                name: "node",
                image: body.spec.containers[0].image,
                imageID: "",
                ready: true,
                restartCount: 0,
              };
              pod.status = { phase: "Running", podIP, containerStatuses: [{ ...c, state: { running: {} } }] };
            },
            (e: Error) => {
              pod.status = { phase: "Failed", reason: "StartError", message: e.message };
            },
          );
      }
      return this.send(res, 201, pod);
    }
    if (kind === "pods" && method === "GET" && !name) {
      if (this.denied("list", "pods")) return this.forbidden(res, "list", "pods", ns);
      const [k, v] = (url.searchParams.get("labelSelector") ?? "=").split("=");
      const items = [...this.pods.entries()]
        .filter(([key, pod]) => key.startsWith(`${ns}/`) && (!k || pod.metadata.labels?.[k as string] === v))
        .map(([, pod]) => this.advance(pod));
      return this.send(res, 200, { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: "1" }, items });
    }
    return this.send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
  }

  /** Called when a namespace is made (tests use it to change the rules half-way). */
  onNamespaceCreated?: (ns: string) => void;

  /** A pod's life: Pending on the first list, then its fate on the second. */
  private advance(pod: Obj): Obj {
    const key = pod.metadata.uid as string;
    const n = (this.lists.get(key) ?? 0) + 1;
    this.lists.set(key, n);
    if (n < 2 || pod.status.phase !== "Pending" || this.opts.kubelet) return pod;
    const fate = this.opts.fate?.(pod) ?? { run: true };
    const image = pod.spec.containers[0].image;
    if ("run" in fate) {
      pod.status = {
        phase: "Running",
        podIP: `10.244.${this.nextIp % 2}.${this.nextIp++}`,
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          {
            name: "node",
            image,
            imageID: "",
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString() } },
          },
        ],
      };
    } else if ("imagePull" in fate) {
      pod.status = {
        phase: "Pending",
        containerStatuses: [
          {
            name: "node",
            image,
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ImagePullBackOff", message: fate.imagePull } },
          },
        ],
      };
    } else if ("unschedulable" in fate) {
      pod.status = {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: fate.unschedulable }],
      };
    } else {
      pod.status = { phase: "Failed", reason: "SysctlForbidden", message: fate.sysctlForbidden };
    }
    return pod;
  }

  private upgrade(req: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const refuse = (code: number, text: string) => {
      socket.end(
        `HTTP/1.1 ${code} ${text}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(status(code, text, text))}`,
      );
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      refuse(401, "Unauthorized");
      return;
    }
    if (!m) {
      refuse(404, "Not Found");
      return;
    }
    if (this.denied("create", "pods/exec") || this.denied("get", "pods/exec")) {
      refuse(403, "Forbidden");
      return;
    }
    const pod = this.pods.get(`${m[1]}/${m[2]}`);
    if (pod?.status.phase !== "Running") {
      refuse(404, "Not Found");
      return;
    }
    const argv = url.searchParams.getAll("command");
    this.execs.push({ pod: m[2] as string, argv });
    this.wss.handleUpgrade(req, socket, head, async (ws) => {
      const kubelet = this.opts.kubelet;
      const a =
        this.opts.exec?.(m[2] as string, argv) ??
        (kubelet ? await kubelet.exec(pod, argv) : this.defaultExec(pod, argv));
      const frame = (ch: number, s: string) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(s)]));
      if (a.stdout) frame(1, a.stdout);
      if (a.stderr) frame(2, a.stderr);
      frame(
        3,
        JSON.stringify(
          a.code === 0
            ? { metadata: {}, status: "Success" }
            : {
                metadata: {},
                status: "Failure",
                message: `command terminated with non-zero exit code: exit status ${a.code}`,
                reason: "NonZeroExitCode",
                details: { causes: [{ reason: "ExitCode", message: String(a.code) }] },
              },
        ),
      );
      ws.close(1000);
    });
  }

  /** A pod's answers: its eth0 (pod IP, the pod network's MTU); every other command succeeds. */
  private defaultExec(pod: Obj, argv: string[]): ExecAnswer {
    if (argv.join(" ") === "ip -j addr show") {
      return {
        code: 0,
        stdout: JSON.stringify([
          { ifindex: 1, ifname: "lo", mtu: 65536, addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }] },
          {
            ifindex: 2,
            ifname: "eth0",
            mtu: this.opts.podMtu ?? 1450,
            addr_info: [{ family: "inet", local: pod.status.podIP, prefixlen: 24 }],
          },
        ]),
      };
    }
    return { code: 0 };
  }
}
