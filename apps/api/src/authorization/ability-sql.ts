import type { AppAbility, AppAction } from '@verkiezingstafel/domain';

/** How a field of a subject is stored: its SQL expression and whether it is an array. */
export interface ColumnSpec {
  sql: string;
  array?: boolean;
  /** SQL type of the values, e.g. `uuid`, used to cast parameters. */
  type?: string;
}
export type ColumnMap = Record<string, ColumnSpec>;

interface FieldNode {
  operator: string;
  field: string;
  value: unknown;
}
interface CompoundNode {
  operator: 'and' | 'or' | 'not';
  value: Node[];
}
type Node = FieldNode | CompoundNode;

/** Collects the parameters of a query as `$n` placeholders. */
export class SqlParams {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  add(value: unknown, type?: string): string {
    this.values.push(value);
    return type ? `$${this.values.length}::${type}` : `$${this.values.length}`;
  }
}

function isCompound(node: Node): node is CompoundNode {
  return node.operator === 'and' || node.operator === 'or' || node.operator === 'not';
}

function compile(node: Node, columns: ColumnMap, params: SqlParams): string {
  if (isCompound(node)) {
    const parts = node.value.map((child) => compile(child, columns, params));
    if (node.operator === 'not') return `NOT (${parts.join(' AND ')})`;
    if (parts.length === 0) return node.operator === 'and' ? 'TRUE' : 'FALSE';
    return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
  }
  const column = columns[node.field];
  if (!column) throw new Error(`No column for field "${node.field}" in an authorization rule`);
  const type = column.type;
  switch (node.operator) {
    case 'eq':
      return column.array
        ? `${params.add(node.value, type)} = ANY(${column.sql})`
        : `${column.sql} = ${params.add(node.value, type)}`;
    case 'ne':
      return column.array
        ? `NOT (${params.add(node.value, type)} = ANY(${column.sql}))`
        : `${column.sql} IS DISTINCT FROM ${params.add(node.value, type)}`;
    case 'in':
      return column.array
        ? `${column.sql} && ${params.add(node.value, `${type ?? 'text'}[]`)}`
        : `${column.sql} = ANY(${params.add(node.value, `${type ?? 'text'}[]`)})`;
    case 'nin':
      return column.array
        ? `NOT (${column.sql} && ${params.add(node.value, `${type ?? 'text'}[]`)})`
        : `NOT (${column.sql} = ANY(${params.add(node.value, `${type ?? 'text'}[]`)}))`;
    default:
      throw new Error(`Operator "${node.operator}" of an authorization rule cannot be pushed into SQL`);
  }
}

/**
 * The ability of libs/domain as an SQL condition, so that lists, counts and searches are
 * filtered by the database (the same semantics as CASL's `rulesToQuery`: rules in priority
 * order; an unconditional `can` admits everything not excluded by a higher-priority
 * `cannot`; an unconditional `cannot` ends the search). With `field`, only rules that grant
 * that field count: the rows whose `field` the actor may read.
 */
export function abilityToSql(
  ability: AppAbility,
  action: AppAction,
  subjectType: 'Signal' | 'TimelineEntry' | 'Measure',
  columns: ColumnMap,
  params: SqlParams,
  field?: string,
): string {
  const rules = ability.rulesFor(action, subjectType, field);
  // Collect first, compile last: only conditions that end up in the SQL may add parameters
  // (an unused parameter has no type and PostgreSQL refuses the statement).
  const admitted: Node[] = [];
  const excluded: Node[] = [];
  let unconditional = false;
  for (const rule of rules) {
    const ast = rule.ast as Node | null | undefined;
    if (!rule.conditions || !ast) {
      unconditional = !rule.inverted;
      break;
    }
    (rule.inverted ? excluded : admitted).push(ast);
  }
  if (!unconditional && admitted.length === 0) return 'FALSE';
  const grants = unconditional ? [] : admitted.map((ast) => compile(ast, columns, params));
  const exclusions = excluded.map((ast) => `NOT coalesce(${compile(ast, columns, params)}, false)`);
  if (unconditional) return exclusions.length === 0 ? 'TRUE' : `(${exclusions.join(' AND ')})`;
  return `((${grants.join(' OR ')})${exclusions.map((c) => ` AND ${c}`).join('')})`;
}
