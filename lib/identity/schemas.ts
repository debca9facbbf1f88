import * as z from '../zod';

/** What an account's fields may hold, wherever one is made: the HTTP routes and the bootstrap task. */

export const email = z.pipe(z.string().check(z.maxLength(254)), z.email());
export const password = z.string().check(z.minLength(8), z.maxLength(256));
