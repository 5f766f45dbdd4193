import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from './auth.ts';

/** Variables that middleware puts on the Hono context. */
export interface AppEnv {
  Variables: RequestIdVariables & { principal?: Principal };
}
