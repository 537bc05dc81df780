export { gatehouse, optionalAuth, requireAuth } from './gatehouse.js';
export type { GatehouseEnv, GatehouseHonoOptions, GatehouseOptionalEnv } from './gatehouse.js';
