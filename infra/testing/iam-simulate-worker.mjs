// Runs @cloud-copilot/iam-simulate (async: it loads the Service Authorization Reference lazily) for
// infra/policy-check.ts's synchronous isAllowed(): each request arrives on the port, the answer goes back
// on it, then the shared flag wakes the caller blocked in Atomics.wait.
import { workerData } from 'node:worker_threads';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const { port, flag } = workerData;
const signal = new Int32Array(flag);

port.on('message', async (simulation) => {
  let answer;
  try {
    const result = await runSimulation(simulation, { simulationMode: 'Strict' });
    answer =
      result.resultType === 'error'
        ? { error: result.errors.message, details: JSON.stringify(result.errors) }
        : {
            overall: result.overallResult,
            resource: result.resultType === 'single' ? result.result.analysis?.resourceAnalysis?.result : undefined,
            ignoredContextKeys: result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [],
          };
  } catch (error) {
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
