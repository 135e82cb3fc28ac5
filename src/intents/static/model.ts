// Static routes as the model holds them: routers get them from their stack (FRR `ip route`),
// hosts from the kernel (`ip route add`).
export interface StaticRoute {
  to: string;
  /** A next-hop address, or BLACKHOLE: a discard route (packets to `to` are dropped). */
  via: string;
}

/** `via` of a discard route (written `blackhole` or `Null0`). */
export const BLACKHOLE = "blackhole";

declare module "../../core/model.js" {
  interface IntentModels {
    static?: StaticRoute[];
  }
}
