import type { Template } from '../assembly';

/**
 * Which resources of a template refer to which (Ref, Fn::GetAtt, `${...}` in Fn::Sub, DependsOn): CloudFormation
 * creates a resource only after everything it refers to, and so does local mode wherever the order is observable.
 */
export class DependencyGraph {
  private readonly edges = new Map<string, ReadonlySet<string>>();

  constructor(template: Template) {
    const ids = new Set(Object.keys(template.Resources));
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const references = new Set<string>();
      collectReferences(resource.Properties, ids, references);
      const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
      for (const id of dependsOn) if (ids.has(id)) references.add(id);
      references.delete(logicalId);
      this.edges.set(logicalId, references);
    }
  }

  /** The resources `logicalId` refers to directly. */
  dependencies(logicalId: string): ReadonlySet<string> {
    return this.edges.get(logicalId) ?? new Set();
  }

  /** Every logical id, each after all it depends on; ties keep template order. */
  creationOrder(): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      // A cycle cannot deploy; CloudFormation refuses the template, so the order within one does not matter here.
      if (seen.has(id)) return;
      seen.add(id);
      for (const dependency of this.dependencies(id)) visit(dependency);
      order.push(id);
    };
    for (const id of this.edges.keys()) visit(id);
    return order;
  }

  /** Whether `logicalId` depends, directly or through other resources, on one for which `test` holds. */
  dependsOn(logicalId: string, test: (dependency: string) => boolean): boolean {
    const seen = new Set<string>();
    const pending = [...this.dependencies(logicalId)];
    while (pending.length > 0) {
      const id = pending.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (test(id)) return true;
      pending.push(...this.dependencies(id));
    }
    return false;
  }
}

function collectReferences(value: unknown, ids: ReadonlySet<string>, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, ids, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, argument] = entries.length === 1 ? (entries[0] as [string, unknown]) : [undefined, undefined];
  if (key === 'Ref' && typeof argument === 'string') {
    if (ids.has(argument)) into.add(argument);
    return;
  }
  if (key === 'Fn::GetAtt') {
    const target = Array.isArray(argument) ? argument[0] : String(argument).split('.')[0];
    if (typeof target === 'string' && ids.has(target)) into.add(target);
    return;
  }
  if (key === 'Fn::Sub') {
    const [text, variables] = Array.isArray(argument) ? (argument as [unknown, unknown]) : [argument, undefined];
    const shadowed = new Set(Object.keys((variables as Record<string, unknown> | undefined) ?? {}));
    for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = (match[1] as string).split('.')[0] as string;
      if (!shadowed.has(name) && ids.has(name)) into.add(name);
    }
    collectReferences(variables, ids, into);
    return;
  }
  for (const [, item] of entries) collectReferences(item, ids, into);
}
