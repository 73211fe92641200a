import { readdirSync } from 'node:fs';
import { summarizeProfile } from '../lib/cpu-profile';
const f = readdirSync('/tmp/prof')[0];
const s = summarizeProfile('/tmp/prof/' + f, 25);
console.log(s.totalMs, s.idleMs);
console.table(s.byPackage);
console.table(s.byFunction);
