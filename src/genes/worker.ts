import { parentPort, workerData } from 'node:worker_threads';
import { parseModel } from '../api/compile.js';
import { fitGene, type GeneJob } from './fit_gene.js';
import type { FromGenesWorker, GenesWorkerInit, ToGenesWorker } from './protocol.js';

const port = parentPort!;
const init = workerData as GenesWorkerInit;
const send = (m: FromGenesWorker): void => port.postMessage(m);

try {
  const job: GeneJob = { ...init, program: parseModel(init.source, init.fileName), cells: { ...init.cells } };
  port.on('message', (m: ToGenesWorker) => {
    if (m.type === 'exit') {
      port.close();
      return;
    }
    void (async () => {
      try {
        const results = [];
        for (const g of m.genes) results.push(await fitGene(job, g.gene, g.cellIndex, g.values));
        send({ type: 'results', id: m.id, results });
      } catch (e) {
        send({ type: 'failed', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
      }
    })();
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'failed', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
}
