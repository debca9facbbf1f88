// rosterctl: the operator's command line for Roster. Startup stays cheap: `--version` and
// `--help` import nothing, and the commands load on first use.
declare const ROSTER_VERSION: string;

const USAGE = `rosterctl: operate a Roster cluster

  rosterctl login --url URL [--email E] [--password-stdin] | --api-token T
  rosterctl logout
  rosterctl status
  rosterctl member list | get ID | drain ID [--deadline 30s] [--force] [--wait [--timeout 10m]]
                   | resume ID | promote ID | remove ID [--force] | rotate-credential ID
  rosterctl join-token create --node-id N [--ttl 30m] | list | revoke ID
  rosterctl autopilot
  rosterctl lease list [--node N] | get NAME
  rosterctl user list | create EMAIL --role R | delete EMAIL | set-role EMAIL R
  rosterctl api-token list | create NAME | delete ID
  rosterctl audit [--user U] [--action A] [--since 1h]

Every read takes -o table|json (a table on a terminal, JSON when piped); every command --help.
ROSTER_URL and ROSTER_TOKEN override the context \`rosterctl login\` saved.
Exit codes: 0 ok, 1 failed, 2 usage.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v') return (void process.stdout.write(`rosterctl ${ROSTER_VERSION}\n`), 0);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')
    return (void process.stdout.write(`${USAGE}\n`), 0);

  const { commands, groups } = await import('./commands');
  const { parse } = await import('./args');
  const { Failure, UsageError } = await import('./errors');
  const [first, second] = argv;
  const grouped = groups.includes(first!);
  const name = grouped ? `${first} ${second}` : first!;
  const command = commands[name];
  try {
    if (!command) {
      if (grouped && (second === undefined || second === '--help' || second === '-h')) {
        const usage = Object.entries(commands)
          .filter(([k]) => k.startsWith(`${first} `))
          .map(([, c]) => c.usage.split('\n')[0]);
        process.stdout.write(`${usage.join('\n')}\n`);
        return second === undefined ? 2 : 0;
      }
      throw new UsageError(grouped ? `unknown command "${name}"` : `unknown command "${first}"`);
    }
    const { values, positionals } = parse(argv.slice(grouped ? 2 : 1), command.options ?? {});
    if (values.help) return (void process.stdout.write(`${command.usage}\n`), 0);
    return (await command.run(values as Record<string, string | boolean | undefined>, positionals)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(
        `rosterctl: ${err.message}\n${command ? `usage: ${command.usage.split('\n\n')[0]}` : "run 'rosterctl --help' for the commands"}\n`,
      );
      return 2;
    }
    if (err instanceof Failure) {
      process.stderr.write(`rosterctl: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`rosterctl: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
export {};
