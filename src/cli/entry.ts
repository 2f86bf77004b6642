// Process entry: run the CLI and exit with its code (docker's conventions: 125 engine failure).
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mydocker: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 125;
  },
);
