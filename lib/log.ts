/**
 * One JSON line per event, always with the request id, so CloudWatch Insights can join them.
 *
 * Written to stdout itself, never through `console`: deployed functions use Lambda's JSON log
 * format (serverless.yml, `logs.lambda`), under which the runtime wraps every console call's
 * text in an object of its own (`{"message": "<our line as a string>"}`), which would bury
 * the fields Insights queries and hide the embedded-metric lines from CloudWatch. A line
 * written to stdout that is a JSON object with a `level` and an RFC 3339 `timestamp` is
 * taken as it is, filtered by its level.
 */
export type Logger = ReturnType<typeof logger>;

export const writeLine = (line: string): void => void process.stdout.write(`${line}\n`);

export function logger(base: Record<string, unknown>) {
  const write = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    writeLine(JSON.stringify({ level, timestamp: new Date().toISOString(), msg, ...base, ...fields }));
  return {
    info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  };
}
