/**
 * Child process that drives real XS engines (xsnap workers) for bench/xs.ts.
 *
 * Why a separate process: @agoric/xsnap needs the SES globals `harden` and `assert`, so it must run
 * after `import '@endo/init'`, which locks down (freezes) every built-in of the realm it runs in.
 * Doing that inside an ava worker would change the realm the tests and the allocator run in; here it
 * changes nothing but this process. Plain .mjs so it starts without the TypeScript loader.
 *
 * Protocol: one JSON object per line on stdin, one answer per line on fd 3, matched by `id`. fd 1 is left
 * to the XS workers' print()/trace() output when a worker is opened with `output: true` (the parent maps
 * it to its stderr).
 *   { id, op: 'open', meteringLimit, output }   -> { id, ok: true, worker }
 *   { id, op: 'evaluate', worker, code }        -> { id, ok: true, reply, meterUsage }  (reply: UTF-8 text)
 *   { id, op: 'close', worker }                 -> { id, ok: true }
 *   any failure                                 -> { id, ok: false, error }
 * End of stdin closes every worker and exits.
 */
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import readline from 'node:readline';
import tmp from 'tmp';

const decoder = new TextDecoder();
const workers = new Map();
let nextWorker = 1;

const answers = fs.createWriteStream(null, { fd: 3 });

function send(message) {
  answers.write(`${JSON.stringify(message)}\n`);
}

async function open({ meteringLimit = 0, output = false }) {
  const id = nextWorker++;
  const worker = await xsnap({
    name: `mcalloc-xs-${id}`,
    os: os.type(),
    spawn,
    fs: { ...fsp, createReadStream: fs.createReadStream, tmpName: tmp.tmpName },
    meteringLimit,
    // XS print() output: to this process's stdout (which the parent maps to its stderr) or nowhere.
    stdout: output ? 'inherit' : 'ignore',
    // XS fatal messages: to this process's stderr, whose tail the parent keeps for its error messages.
    stderr: 'inherit',
  });
  workers.set(id, worker);
  return { worker: id };
}

function workerOf(id) {
  const worker = workers.get(id);
  if (worker === undefined) throw new Error(`no XS worker ${id} (closed?)`);
  return worker;
}

async function evaluate({ worker, code }) {
  const { reply, meterUsage } = await workerOf(worker).evaluate(code);
  return { reply: decoder.decode(reply), meterUsage };
}

async function close({ worker }) {
  const w = workers.get(worker);
  workers.delete(worker);
  if (w !== undefined) await w.close().catch(() => w.terminate());
  return {};
}

const ops = { open, evaluate, close };

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    send({ id: null, ok: false, error: `xs-host: not JSON: ${line.slice(0, 80)}` });
    return;
  }
  const op = ops[request.op];
  Promise.resolve()
    .then(() => {
      if (op === undefined) throw new Error(`xs-host: unknown op ${JSON.stringify(request.op)}`);
      return op(request);
    })
    .then(
      (result) => send({ id: request.id, ok: true, ...result }),
      (error) => send({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
});
lines.on('close', () => {
  Promise.allSettled([...workers.values()].map((w) => w.terminate())).then(() => process.exit(0));
});
