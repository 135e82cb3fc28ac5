// Running a command inside a node's pod through the API's exec (a WebSocket, as kubectl
// exec): how cables, addresses and the routing stack reach a node that is not on this host.
// Like the Docker runtime's exec, it never throws on the command's exit code, only when
// the pod cannot be reached.
import { Writable } from "node:stream";
import type { RunResult } from "../../util/exec.js";
import { type Cluster, explain, KubeError, REQUEST_TIMEOUT_MS, unreachable } from "./client.js";
import { CONTAINER } from "./model.js";
import { forbidden } from "./rbac.js";

interface ExecStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The command's exit code from the status the API sends when it ends (channel 3). */
export function exitCode(s: ExecStatus | undefined): number {
  if (!s) return 1;
  if (s.status === "Success") return 0;
  const code = s.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  if (code !== undefined && /^\d+$/.test(code)) return Number(code);
  // Not started at all (no such program): the container runtime's own convention.
  return /not found|no such file/i.test(s.message ?? "") ? 127 : 126;
}

function collector(into: Buffer[]): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      into.push(Buffer.from(chunk));
      done();
    },
  });
}

/** The HTTP status a refused WebSocket upgrade carried ("Unexpected server response: 403"). */
function upgradeStatus(e: unknown): number | undefined {
  const m = /Unexpected server response: (\d+)/.exec(String((e as { message?: string })?.message ?? e));
  return m ? Number(m[1]) : undefined;
}

export async function podExec(
  c: Cluster,
  namespace: string,
  pod: string,
  argv: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let status: ExecStatus | undefined;
  const doing = `exec in pod ${namespace}/${pod}`;
  let ws: Awaited<ReturnType<InstanceType<Cluster["lib"]["Exec"]>["exec"]>>;
  // The WebSocket has no deadline of its own: a server that accepts and never answers must
  // not hang the deploy. A connection that opens after the deadline is closed at once.
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(Object.assign(new Error("timeout"), { name: "TimeoutError" }));
    }, REQUEST_TIMEOUT_MS);
  });
  try {
    const connecting = new c.lib.Exec(c.kc).exec(
      namespace,
      pod,
      CONTAINER,
      [...argv],
      collector(out),
      collector(err),
      null,
      false,
      (s) => {
        status = s as ExecStatus;
      },
    );
    connecting.then((opened) => late && opened.close()).catch(() => {});
    ws = await Promise.race([connecting, deadline]);
    clearTimeout(timer);
  } catch (e) {
    clearTimeout(timer);
    if ((e as Error).name === "TimeoutError") throw explain(c, doing, e);
    const code = upgradeStatus(e);
    if (code === 403) throw await forbidden(c, namespace, doing, { code, body: { message: `${doing} refused` } });
    if (code === 404) throw new KubeError(`${doing}: the pod is gone`);
    if (code !== undefined) throw explain(c, doing, { code, body: { message: `refused (HTTP ${code})` } });
    const why = (e as { message?: string; error?: { message?: string } })?.error?.message ?? (e as Error)?.message;
    throw unreachable(c, why ?? String(e));
  }
  let timedOut = false;
  await new Promise<void>((resolve) => {
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          ws.close();
        }, opts.timeoutMs)
      : undefined;
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (ws.readyState === ws.CLOSED) done();
    ws.on("close", done);
    ws.on("error", done);
  });
  const stderr = Buffer.concat(err).toString("utf8");
  const failed = status && status.status !== "Success" && !status.details?.causes?.some((x) => x.reason === "ExitCode");
  return {
    code: timedOut ? 124 : exitCode(status),
    stdout: Buffer.concat(out).toString("utf8"),
    // A command that never started says why only in the status: pass it on as its stderr.
    stderr: failed ? `${stderr}${status?.message ?? ""}` : status ? stderr : `${stderr}exec ended without a status`,
  };
}
