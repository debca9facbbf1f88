import { cockroachNodes } from '../lib/cluster/cockroach-nodes';
import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbNodes } from '../lib/http/routes/cockroach';

export const handler = httpRoute(crdbNodes, ({ query }) => cockroachNodes(paging(query)));
