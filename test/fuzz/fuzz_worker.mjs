// Entry of the fuzz worker thread: a worker does not inherit the parent's tsx loader, so it registers
// tsx before it loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./fuzz_worker.ts');
