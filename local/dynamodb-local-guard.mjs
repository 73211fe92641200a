// Runs AWS's DynamoDB Local (java) for the stand-ins and ties its life to the spawning process:
// when our stdin closes (the parent exited, even by SIGKILL) or we get a signal, Java is stopped;
// when Java exits on its own, we exit with its code. Development and tests only.
// argv: <java> <jar dir> <port> [extra java options...]
import { spawn } from 'node:child_process';
import path from 'node:path';

const [java, dir, port, ...javaOpts] = process.argv.slice(2);
const child = spawn(
  java,
  [
    ...javaOpts,
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    port,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  // The JVM normally exits at once on SIGTERM; make sure it does.
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
}

child.on('error', (error) => {
  process.stderr.write(`dynamodb-local: cannot start ${java}: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, stop);
