import * as z from 'zod';

/** What an account's fields may hold, wherever one is made: the HTTP routes and the bootstrap task. */

export const email = z.string().max(254).pipe(z.email());
export const password = z.string().min(8).max(256);
