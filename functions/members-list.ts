import { listMemberViews } from '../lib/cluster/members';
import { httpRoute } from '../lib/http/handler';
import { listMembers } from '../lib/http/routes/cluster';

export const handler = httpRoute(listMembers, ({ query }) =>
  listMemberViews({ page: query.page, perPage: query.per_page, next: query.next }),
);
