// The app's own feature, as it was before Gatehouse: orders in the app's own table. The only
// change Gatehouse brought is that each order now belongs to `req.auth.userId`.
import type { Identity } from '@gatehouse-auth/core';
import { Router, type Request } from 'express';
import type { Generated, Kysely } from 'kysely';

/** The app's own tables (Gatehouse's live next to them, under the `gatehouse_` prefix). */
export interface AppDatabase {
  orders: {
    id: Generated<number>;
    user_id: string;
    item: string;
    quantity: number;
    created_at: string;
  };
}

/** One order, as the API sends it. */
export interface Order {
  id: number;
  item: string;
  quantity: number;
  createdAt: string;
}

/** Creates the app's own table; the app ran this long before Gatehouse came along. */
export async function migrateOrders(db: Kysely<AppDatabase>): Promise<void> {
  await db.schema
    .createTable('orders')
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('item', 'text', (column) => column.notNull())
    .addColumn('quantity', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('orders_user_id').ifNotExists().on('orders').column('user_id').execute();
}

function caller(req: Request): Identity {
  // `requireAuth` runs before every route of this router, so `req.auth` is always set here.
  if (req.auth === undefined) throw new Error('ordersRouter must be mounted behind requireAuth(auth)');
  return req.auth;
}

/** The `/orders` routes: the caller's own orders only. Mount it behind `requireAuth(auth)`. */
export function ordersRouter(db: Kysely<AppDatabase>): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const rows = await db
      .selectFrom('orders')
      .select(['id', 'item', 'quantity', 'created_at'])
      .where('user_id', '=', caller(req).userId)
      .orderBy('id')
      .execute();
    const orders: Order[] = rows.map((row) => ({ id: row.id, item: row.item, quantity: row.quantity, createdAt: row.created_at }));
    res.json({ orders });
  });

  router.post('/', async (req, res) => {
    const { item, quantity } = (req.body ?? {}) as { item?: unknown; quantity?: unknown };
    if (typeof item !== 'string' || item.trim() === '' || !Number.isInteger(quantity) || (quantity as number) < 1) {
      res.status(422).json({ error: 'Give an item (text) and a quantity (a whole number from 1).' });
      return;
    }
    const createdAt = new Date().toISOString();
    const row = await db
      .insertInto('orders')
      .values({ user_id: caller(req).userId, item: item.trim(), quantity: quantity as number, created_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    const order: Order = { id: row.id, item: item.trim(), quantity: quantity as number, createdAt };
    res.status(201).json({ order });
  });

  return router;
}
