/** One JSON line per event, always with the request id, so CloudWatch Insights can join them. */
export type Logger = ReturnType<typeof logger>;

export function logger(base: Record<string, unknown>) {
  const write = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ level, time: new Date().toISOString(), msg, ...base, ...fields }));
  return {
    info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  };
}
