/**
 * Runs DynamoDB Local's JVM as the child of a tiny guard process and makes sure it never
 * outlives the server. The server holds the guard's stdin open; when the server dies for
 * any reason, SIGKILL included, the kernel closes that pipe and the guard takes the JVM
 * down with it. The guard is passed to `node -e`, so it works from the sources and from
 * the bundle alike.
 */
const GUARD = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const jvm = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  jvm.kill('SIGTERM');
  setTimeout(() => jvm.kill('SIGKILL'), 2000).unref();
}
jvm.on('error', (err) => { console.error('could not start ' + command + ': ' + err.message); process.exit(127); });
jvm.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
process.on('SIGINT', () => {}); // Ctrl-C reaches the whole group: the server decides when we stop.
`;

/** argv for `spawn(process.execPath, guardedArgs(...))`. */
export const guardedArgs = (command: string, args: readonly string[]): string[] => ['-e', GUARD, '--', command, ...args];
