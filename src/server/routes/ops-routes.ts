import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export function opsRoutes(deps: { metrics: Metrics; checks: ReadinessCheck[]; metricsText?: () => Promise<string> }) {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      deps.checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch {
          return [name, 'not_ready'] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    return c.json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await (deps.metricsText ?? (() => deps.metrics.registry.metrics()))());
  });

  return app;
}
