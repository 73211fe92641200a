import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    include: ['tests/**/*.test.ts', 'infra/**/*.test.ts', 'local/**/*.test.ts'],
    // Integration suites share one stack (stand-ins + portal) and its fault knobs: run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    // DynamoDB Local for short-lived suites: the C1 JIT only starts it several seconds faster on a busy machine
    // (local/dynamodb.ts); set LOCAL_DYNAMODB_JAVA_OPTS to override.
    env: {
      LOCAL_DYNAMODB_JAVA_OPTS:
        process.env.LOCAL_DYNAMODB_JAVA_OPTS ?? '-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1',
    },
    hookTimeout: 120_000,
  },
});
