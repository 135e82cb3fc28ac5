// Static routes as the model holds them: routers get them from their stack (FRR `ip route`),
// hosts from the kernel (`ip route add`).
export interface StaticRoute {
  to: string;
  via: string;
}

declare module "../../core/model.js" {
  interface IntentModels {
    static?: StaticRoute[];
  }
}
