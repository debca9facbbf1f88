import { listMemberViews } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { listMembersRoute } from '../lib/http/routes/cluster';

export const handler = httpRoute(listMembersRoute, ({ query }) =>
  listMemberViews({ page: query.page, perPage: query.per_page, next: query.next }),
);
