// A strict check the Kubernetes JSON schemas do not make: every field of an object must be
// one the API's generated models know (the API server drops an unknown field, with no more
// than a warning by default, so a misspelt securityContext would leave a pod unconfined).
import * as k8s from "@kubernetes/client-node";

type Models = Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>;

/** Fields the API's generated model for `type` does not know, as paths (empty: all known). */
export function unknownFields(value: unknown, type: string, at = ""): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1] as string, `${at}[${i}]`)) : [];
  const model = (k8s as unknown as Models)[type];
  if (!model?.getAttributeTypeMap || value === null || typeof value !== "object") return [];
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const t = attrs.get(k);
    return t === undefined ? [`${at}.${k}`] : unknownFields(v, t, `${at}.${k}`);
  });
}
