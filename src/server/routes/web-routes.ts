import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { PROJECT_ROOT } from '../../config/load-config.ts';
import type { AppEnv } from '../app-env.ts';

const WEB = path.join(PROJECT_ROOT, 'web');

/** The demo shop page and the embeddable widget script. */
export function webRoutes() {
  const app = new Hono<AppEnv>();
  const file = (name: string, type: string) => async (c: Context<AppEnv>) => {
    c.header('Content-Type', type);
    c.header('Cache-Control', 'no-cache');
    return c.body(await readFile(path.join(WEB, name), 'utf8'));
  };
  app.get('/', file('index.html', 'text/html; charset=utf-8'));
  app.get('/widget.js', file('widget.js', 'text/javascript; charset=utf-8'));
  return app;
}
