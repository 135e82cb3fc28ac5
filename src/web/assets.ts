// Where the page's files are: its own HTML/CSS/JS (src/web/page, plain browser files that tsc
// does not compile) and the graph library's browser builds from node_modules (no CDN).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The page directory: beside this module when running from src (tsx), or the source tree's
 * when running from dist (dist/web → ../../src/web/page; the package ships src/web/page).
 */
export function pageDir(): string {
  const candidates = [path.join(here, "page"), path.resolve(here, "../../src/web/page")];
  const found = candidates.find((d) => existsSync(path.join(d, "index.html")));
  if (!found) throw new Error(`wirelab graph: page files not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** The page's own files, by the name the page uses. */
export const PAGE_FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

/**
 * The graph library, in load order, as UMD browser builds that define globals: cytoscape,
 * then fcose's dependencies layoutBase and coseBase, then cytoscapeFcose.
 */
export function vendorFiles(): { name: string; file: string }[] {
  const req = createRequire(import.meta.url);
  const cytoscape = req.resolve("cytoscape/dist/cytoscape.min.js");
  const fcose = req.resolve("cytoscape-fcose");
  const coseBase = createRequire(fcose).resolve("cose-base");
  const layoutBase = createRequire(coseBase).resolve("layout-base");
  return [
    { name: "cytoscape.min.js", file: cytoscape },
    { name: "layout-base.js", file: layoutBase },
    { name: "cose-base.js", file: coseBase },
    { name: "cytoscape-fcose.js", file: fcose },
  ];
}

export async function readPageFile(name: string): Promise<string> {
  if (!(name in PAGE_FILES)) throw new Error(`not a page file: ${name}`);
  return readFile(path.join(pageDir(), name), "utf8");
}

/**
 * JSON for a `<script type="application/json">` element: `<` escaped as `\u003c` (still the
 * same JSON), so no value (a node named `</script><script>…`) can end the element early or
 * open a comment; U+2028/2029 escaped as well, for older parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Id of the element a live page's first snapshot is embedded in (the page reads it before the stream). */
export const INITIAL_ID = "wirelab-initial";

/** The live page with its first snapshot in it, just before the page's own script. */
export function embedSnapshot(html: string, version: number, snapshot: unknown): string {
  const tag = '<script src="app.js"></script>';
  const at = html.indexOf(tag);
  if (at < 0) throw new Error("graph page: app.js script tag not found");
  const data = `<script type="application/json" id="${INITIAL_ID}">${scriptJson({ version, snapshot })}</script>\n    `;
  return html.slice(0, at) + data + html.slice(at);
}
