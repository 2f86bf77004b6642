// The bundle's entry point (dist/mydocker-runtime.js, started by bin/mydocker-runtime).
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mydocker-runtime: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
