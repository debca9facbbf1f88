/**
 * The one door to zod for deployed code: zod/mini, whose functions tree-shake, where the
 * classic API attaches every method to every schema (about 90 KB of each bundle against
 * about 25). The same core validates and, with the English locale set here (classic zod
 * sets it on first use; mini sets none), says the same messages. The linter keeps other
 * zod imports out of lib/.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
