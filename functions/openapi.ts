import document from 'roster:openapi-document';
import { config } from '../lib/config';
import { httpRoute } from '../lib/http/handler';
import { reply } from '../lib/http/reply';
import { openapiRoute } from '../lib/http/routes/identity';

/** Computed from the route table at build time (infra/build.ts); the version is this deployment's. */
const served = { ...document, info: { ...document.info, version: config.version } };

// OpenAPI tools read the bare document, not Ella's {result} envelope.
export const handler = httpRoute(openapiRoute, async () => reply(served, { bare: true }));
