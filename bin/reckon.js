#!/usr/bin/env node
import { describeError, main } from '../dist/cli/main.js';

// Whatever escapes a command (a callback of a long-running `serve`) still ends as one line, exit 1.
const fatal = (err) => {
  process.stderr.write(`reckon: ${describeError(err)}\n`);
  if (process.env.RECKON_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

main(process.argv).then((code) => { process.exitCode = code; }, fatal);
