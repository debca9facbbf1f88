import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { openApiDocument } from '../lib/http/openapi';
import { routes } from '../lib/http/routes';
import { openapi } from '../lib/http/routes/identity';

const document = openApiDocument(routes);

// OpenAPI tools read the bare document, not Ella's {result} envelope.
export const handler = httpRoute(openapi, async () => reply(document, { bare: true }));
