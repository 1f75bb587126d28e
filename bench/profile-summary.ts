/**
 * Summarises a `node --cpu-prof` profile: self time per function and per file (top N), and the
 * share of idle and GC. `node --import tsx bench/profile-summary.ts <file.cpuprofile> [N]`.
 * Used to read the gateway's profiles (BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=…").
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [N]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0)
    return url
      .slice(nm + 13)
      .split('/')
      .slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1)
      .join('/');
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url || '(native)';
}

const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + time);
  const group = url ? shortUrl(url) : functionName;
  files.set(group, (files.get(group) ?? 0) + time);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`.padStart(6);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(time)}  ${name}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time by file / package', files);
print('self time by function', fns);
