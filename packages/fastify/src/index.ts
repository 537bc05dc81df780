export { gatehouse, requireAuth } from './gatehouse.js';
export type { GatehouseFastifyOptions } from './gatehouse.js';
