import type { RequestIdVariables } from 'hono/request-id';

/** Variables that middleware puts on the Hono context. */
export interface AppEnv {
  Variables: RequestIdVariables;
}
