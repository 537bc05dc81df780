export { gatehouse, requireAuth } from './gatehouse.js';
export type { GatehouseEnv, GatehouseHonoOptions } from './gatehouse.js';
