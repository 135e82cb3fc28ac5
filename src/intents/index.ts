// The intent registry: one folder per intent module, one line here to add one.
import type { IntentModule } from "./intent.js";

export const INTENTS: IntentModule[] = [];
