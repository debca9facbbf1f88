import { notFound } from '../lib/http/not-found';

export const handler = notFound;
