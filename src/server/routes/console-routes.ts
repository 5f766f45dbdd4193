import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { PROJECT_ROOT } from '../../config/load-config.ts';
import type { AppEnv } from '../app-env.ts';

const WEB = path.join(PROJECT_ROOT, 'web');

const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

/** URL → file in web/: the agent console and the admin dashboard (plain HTML, CSS and JS). */
export const CONSOLE_FILES: Readonly<Record<string, { file: string; type: keyof typeof TYPES }>> = {
  '/console': { file: 'console.html', type: 'html' },
  '/console.js': { file: 'console.js', type: 'js' },
  '/console.css': { file: 'console.css', type: 'css' },
  '/admin': { file: 'admin.html', type: 'html' },
  '/admin.js': { file: 'admin.js', type: 'js' },
  '/admin.css': { file: 'admin.css', type: 'css' },
};

/**
 * The agent console (`/console`) and admin dashboard (`/admin`). They hold no secrets: the key is
 * typed into the page and sent as a Bearer token to the /v1 API like any other client.
 */
export function consoleRoutes() {
  const app = new Hono<AppEnv>();
  const serve = (file: string, type: string) => async (c: Context<AppEnv>) => {
    c.header('Content-Type', type);
    c.header('Cache-Control', 'no-cache');
    return c.body(await readFile(path.join(WEB, file), 'utf8'));
  };
  for (const [route, { file, type }] of Object.entries(CONSOLE_FILES)) app.get(route, serve(file, TYPES[type]));
  return app;
}
