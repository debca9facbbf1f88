import * as z from '../../zod';
import { route } from '../route';

/**
 * The console (console/, built into dist/console by `npm run build`): one function serves
 * its page and assets, carried in its own package; `/` sends a browser there.
 */
const files = {
  fn: 'console',
  method: 'GET',
  surface: 'ella',
  access: 'public', // the page logs in with the API's own login; it holds nothing secret
  store: 'none',
  status: 200,
  bodyKind: 'none',
  packageFiles: ['dist/console/**'],
  params: z.object({ proxy: z.optional(z.string().check(z.maxLength(1024))) }),
} as const;

export const consoleHome = route({ ...files, path: '/', summary: 'The console: a redirect to /ui/' });

export const consolePage = route({ ...files, path: '/ui', summary: "The console's page (/ui redirects to /ui/)" });

export const consoleAsset = route({
  ...files,
  path: '/ui/{proxy+}',
  summary: "The console's page and its content-hashed assets (cached for a year; the page revalidated each time)",
});
