import { fileURLToPath } from 'node:url';
import { loadConsole, serveConsole } from '../lib/http/console';
import { httpRoute } from '../lib/http/handler';
import { consoleAsset } from '../lib/http/routes/console';

/** dist/console beside dist/functions: the function's package carries both (RouteSpec.packageFiles). */
const files = loadConsole(fileURLToPath(new URL('../console/', import.meta.url)));

export const handler = httpRoute(consoleAsset, async ({ path, params, headers }) =>
  serveConsole(files, { path, proxy: params.proxy, headers }),
);
