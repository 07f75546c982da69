// The pinned Temporal CLI, and whether a `temporal --version` output is that version. A
// release build prints `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`; one built with
// `go install` from the module (as ./temporal-cli.ts does) has no release stamp and prints
// `temporal version 0.0.0-DEV (Server 1.29.1, ...)`: that counts when its server is the pinned one.

export const PINNED_TEMPORAL_CLI = { cli: '1.5.1', server: '1.29.1' } as const;
export const TEMPORAL_CLI_PACKAGE = `github.com/temporalio/cli/cmd/temporal@v${PINNED_TEMPORAL_CLI.cli}`;

const VERSION_LINE = /^temporal version (\S+) \(Server (\S+?)[,)]/m;

export function isPinnedTemporalCli(versionOutput: string): boolean {
  const match = VERSION_LINE.exec(versionOutput);
  if (!match) return false;
  const [, cli, server] = match;
  if (server !== PINNED_TEMPORAL_CLI.server) return false;
  return cli === PINNED_TEMPORAL_CLI.cli || cli === '0.0.0-DEV';
}
