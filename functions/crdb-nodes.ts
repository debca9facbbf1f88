import { cockroachNodes } from '../lib/cluster/cockroach-nodes';
import { paging } from '../lib/compat/cockroach';
import { httpRoute } from '../lib/http/handler';
import { crdbNodesRoute } from '../lib/http/routes/cockroach';

export const handler = httpRoute(crdbNodesRoute, ({ query }) => cockroachNodes(paging(query)));
