/**
 * The description committed as docs/openapi.json (`node scripts/openapi.mjs --write`): the route
 * table with the default settings, as a server without configuration serves it at `/api/openapi.json`.
 */
import { tmpdir } from 'node:os';
import { loadConfig } from '../config/config.ts';
import { renderOpenApi } from './openapi.ts';
import { apiRoutes, routeOptionsOf } from './routes.ts';

export function documentedOpenApi(): string {
  // No environment and no .env: the defaults of the table of settings.
  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const options = routeOptionsOf(config);
  return renderOpenApi(apiRoutes(options), options);
}
