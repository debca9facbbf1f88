/** What functions need of the whole route table, computed from it at build time (infra/build.ts). */
declare module 'roster:openapi-document' {
  const document: { info: Record<string, unknown> } & Record<string, unknown>;
  export default document;
}

declare module 'roster:route-paths' {
  /** Each route's method (an HttpMethod) and canonical path. */
  const paths: readonly { method: string; path: string }[];
  export default paths;
}
