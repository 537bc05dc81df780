import { OperationNodeTransformer, TableNode } from 'kysely';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { SchemaNames } from './tables.js';

class TablePrefixTransformer extends OperationNodeTransformer {
  readonly #names: ReadonlyMap<string, string>;

  constructor(names: ReadonlyMap<string, string>) {
    super();
    this.#names = names;
  }

  // Only the logical table names are renamed, so aliases and CTE names pass through untouched.
  protected override transformTable(node: TableNode, queryId?: QueryId): TableNode {
    const transformed = super.transformTable(node, queryId);
    if (transformed.table.schema !== undefined) return transformed;
    const renamed = this.#names.get(transformed.table.identifier.name);
    return renamed === undefined ? transformed : TableNode.create(renamed);
  }
}

/**
 * A Kysely plugin that turns the logical table names of {@link Database} (`users`, …) into the
 * prefixed names of one schema (`gatehouse_users`, …) when a query is compiled.
 */
export function tablePrefixPlugin(names: SchemaNames): KyselyPlugin {
  const transformer = new TablePrefixTransformer(new Map(Object.entries(names.tables)));
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      return transformer.transformNode(args.node, args.queryId);
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}
