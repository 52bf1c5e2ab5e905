// Worker entry when Glimmer runs from its TypeScript source (tests, scratch scripts): a worker thread
// does not inherit the parent's loaders, so it registers tsx before it loads the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
