export { gatehouse, optionalAuth, requireAuth } from './gatehouse.js';
export type { GatehouseFastifyOptions } from './gatehouse.js';
