// test: every `porthole` command as one family, as a user runs it (the real entry, a real process):
// the same help screen (a line per flag, each explained), the same "did you mean" for flags and
// commands, the same refusal wording, and with --json a refusal that is one JSON object on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { COMMANDS, type CommandName } from '../../main/cli/commands.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function porthole(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  // Bounded: a hung process fails its test instead of the suite (generous: tsx on a loaded machine).
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(killer);
    resolve({ code, out, err });
  }));
}

/** How a user asks for each command's help, three ways. */
const HELP_ASKS: Record<CommandName, string[][]> = {
  share: [['share', '--help'], ['help', 'share'], ['share', '-h']],
  policy: [['policy', '--help'], ['help', 'policy'], ['policy', '-h']],
  check: [['check', '--help'], ['help', 'check'], ['check', '-h']],
  'fusionauth setup': [['fusionauth', 'setup', '--help'], ['help', 'fusionauth'], ['fusionauth', '--help']],
};

test('every command answers --help, -h and "help <command>" with the same screen: usage, then a line explaining each flag', async () => {
  for (const [name, asks] of Object.entries(HELP_ASKS) as [CommandName, string[][]][]) {
    const runs = await Promise.all(asks.map((a) => porthole(a)));
    for (const [i, r] of runs.entries()) {
      assert.equal(r.code, 0, `${asks[i]!.join(' ')}: ${r.err}`);
      assert.equal(r.err, '', asks[i]!.join(' '));
      assert.equal(r.out, runs[0]!.out, `${asks[i]!.join(' ')} prints the same help`);
    }
    const help = runs[0]!.out;
    assert.match(help, new RegExp(`^Usage: porthole ${name} `), name);
    for (const [flag, spec] of Object.entries(COMMANDS[name].flags)) {
      assert.match(help, new RegExp(`^  --${flag}( [A-Z:]+)?(, -h)? {2,}\\S`, 'm'), `${name}: --${flag} is explained on its own line`);
      assert.ok(help.includes(spec.help.split('\n')[0]!), `${name}: --${flag}'s words`);
    }
  }
});

test('a mistyped flag gets "did you mean" in every command, and a mistyped command or subcommand too', async () => {
  const cases: [string[], RegExp][] = [
    [['share', '3000', '--isuer', 'https://a.test'], /^porthole share: --isuer: no such flag; did you mean --issuer\?\n/],
    [['policy', '3000', '--inline-secrt'], /^porthole policy: --inline-secrt: no such flag; did you mean --inline-secret\?\n/],
    [['check', '--isuer', 'https://a.test'], /^porthole check: --isuer: no such flag; did you mean --issuer\?\n/],
    [['fusionauth', 'setup', '--urll', 'https://a.test'], /^porthole fusionauth setup: --urll: no such flag; did you mean --url\?\n/],
    [['fusionauth', 'stup'], /unknown subcommand "stup"; did you mean "setup"\?/],
    [['shar', '3000'], /^porthole: unknown command "shar"; did you mean "share"\?/],
    [['help', 'chek'], /^porthole: no command "chek"; did you mean "check"\?/],
    [['check', '--timeout'], /^porthole check: --timeout needs a value \(e\.g\. --timeout 10\)/],
    [['check', '--json=yes'], /^porthole check: --json is a switch and takes no value/],
    [['check', 'https://a.test'], /^porthole check: "https:\/\/a\.test": porthole check takes no argument here; flags start with --/],
  ];
  // Four at a time: each is a cold Node (share: two).
  const runs: Awaited<ReturnType<typeof porthole>>[] = [];
  for (let i = 0; i < cases.length; i += 4) runs.push(...(await Promise.all(cases.slice(i, i + 4).map(([args]) => porthole(args)))));
  for (const [i, r] of runs.entries()) {
    const [args, re] = cases[i]!;
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, re, args.join(' '));
    // Never node's parser text.
    assert.doesNotMatch(r.err, /ERR_PARSE_ARGS|Unknown option|'--/, args.join(' '));
  }
});

test('a secret given on the command line is refused by every command, the value never repeated', async () => {
  const cases = [['share', '3000', '--authtoken=tok-1234567890abcdef'], ['check', '--client-secret', 'tok-1234567890abcdef'], ['fusionauth', 'setup', '--api-key', 'tok-1234567890abcdef']];
  for (const r of await Promise.all(cases.map((a) => porthole(a)))) {
    assert.equal(r.code, 2);
    assert.match(r.err, /is not accepted \(a secret in argv leaks into shell history and ps\); use --[a-z-]+-(env|file)/);
    assert.ok(!r.err.includes('tok-1234567890abcdef') && !r.out.includes('tok-1234567890abcdef'));
  }
});

test('with --json a refused argument is also one JSON object on stdout, in the command\'s own shape', async () => {
  const [check, setup, share] = await Promise.all([
    porthole(['check', '--isuer', 'https://a.test', '--json']),
    porthole(['fusionauth', 'setup', '--url', 'https://a.test', '--json']),
    porthole(['share', '3000', '--mode', 'sideways', '--json'], { NGROK_AUTHTOKEN: 'x' }),
  ]);
  for (const r of [check, setup, share]) {
    assert.equal(r.code, 2);
    assert.equal(r.out.trim().split('\n').length, 1, r.out);
  }
  assert.deepEqual(JSON.parse(check.out), { ok: false, code: 'INVALID_INPUT', message: '--isuer: no such flag; did you mean --issuer?' });
  const s = JSON.parse(setup.out);
  assert.equal(s.ok, false);
  assert.equal(s.code, 'INVALID_INPUT');
  assert.match(s.message, /--api-key-env NAME is required/);
  for (const k of ['dryRun', 'issuer', 'clientId', 'applicationId', 'created', 'changes', 'checks']) assert.ok(k in s, k);
  const line = JSON.parse(share.out);
  assert.equal(line.state, 'error');
  assert.equal(line.code, 'INVALID_INPUT');
  assert.match(line.message, /--mode "sideways": not a mode/);
});

test('"porthole --help" lists every command with its summary', async () => {
  const r = await porthole(['--help']);
  assert.equal(r.code, 0);
  for (const c of Object.values(COMMANDS)) assert.ok(r.out.includes(`  ${c.name}`) && r.out.includes(c.summary), c.name);
});
