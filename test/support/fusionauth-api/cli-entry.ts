// test support: `porthole fusionauth …` as its own process, until main/cli/index.ts dispatches
// `fusionauth` itself: the same io a real command has (process stdout/stderr/env), exit code as returned.
import { runFusionauthSetup } from '../../../main/cli/fusionauth-setup.js';

const code = await runFusionauthSetup(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
});
process.stdout.write('', () => process.exit(code));
