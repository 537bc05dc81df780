export { gatehouse, optionalAuth, requireAuth } from './gatehouse.js';
export type { GatehouseExpressOptions, GatehouseRouter } from './gatehouse.js';
