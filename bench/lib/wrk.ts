/**
 * Drives a server with wrk (Debian's `wrk`), the load generator the Kannel comparison in issue 17
 * used. wrk is C and costs far less CPU than a Node load generator, which matters when it shares
 * two cores with the server it measures. Each request gets a different recipient: the Lua script
 * replaces `{N}` in the path and body with a counter (0000–9999).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** `{N}` is replaced by a 4-digit counter in the URL's path and in the body. */
  body?: string;
  connections?: number;
  seconds?: number;
  threads?: number;
}

export interface WrkResult {
  requests: number;
  non2xx: number;
  socketErrors: number;
  seconds: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The command line that ran (its Lua script stays in a temp dir). */
  command: string;
}

function luaString(value: string): string {
  return JSON.stringify(value); // JSON string escapes are valid Lua escapes for this text
}

export async function wrk(request: WrkRequest): Promise<WrkResult> {
  const parsed = new URL(request.url);
  const pathTemplate = parsed.pathname + parsed.search;
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  // The body template is fixed; only the counter changes, so wrk.format builds each request.
  const script = `
${headers}
local counter = math.random(0, 9999)
local path_t = ${luaString(pathTemplate)}
local body_t = ${request.body === undefined ? 'nil' : luaString(request.body)}
request = function()
  counter = (counter + 1) % 10000
  local n = string.format("%04d", counter)
  local path = (path_t:gsub("{N}", n))
  local body = nil
  if body_t then body = (body_t:gsub("{N}", n)) end
  return wrk.format(${luaString(request.method ?? 'GET')}, path, nil, body)
end
`;
  const dir = mkdtempSync(join(tmpdir(), 'smsgate-wrk-'));
  const scriptFile = join(dir, 'request.lua');
  writeFileSync(scriptFile, script);
  const connections = request.connections ?? 50;
  const seconds = request.seconds ?? 10;
  const threads = request.threads ?? 2;
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    scriptFile,
    `${parsed.protocol}//${parsed.host}`,
  ];
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  return { ...parseWrk(stdout), command: `wrk ${args.join(' ')}` };
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

export function parseWrk(stdout: string): Omit<WrkResult, 'command'> {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(stdout);
  if (!total) throw new Error(`wrk printed no totals:\n${stdout}`);
  const requests = Number(total[1]);
  const seconds = toMs(total[2]!, total[3]!) / 1000;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(stdout);
    return match ? toMs(match[1]!, match[2]!) : Number.NaN;
  };
  return {
    requests,
    non2xx,
    socketErrors,
    seconds,
    okPerSecond: (requests - non2xx) / seconds,
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
  };
}
