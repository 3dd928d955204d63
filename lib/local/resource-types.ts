import type { LocalServiceModule, ResourceTypeSpec } from './service-module';

/** The module that owns a resource type, and how it names that type's resources. */
export interface ResourceTypeOwner {
  readonly module: LocalServiceModule;
  readonly spec: ResourceTypeSpec;
}

/** Which module owns each CloudFormation resource type, from the types every module declares. */
export class ResourceTypes {
  private readonly exact = new Map<string, ResourceTypeOwner>();
  private readonly prefixes: Array<[string, ResourceTypeOwner]> = [];

  constructor(modules: readonly LocalServiceModule[]) {
    for (const module of modules) {
      for (const [type, spec] of Object.entries(module.resourceTypes)) {
        const previous = type.endsWith('*') ? undefined : this.exact.get(type);
        if (previous) {
          throw new Error(`Resource type ${type} is owned by both ${previous.module.name} and ${module.name}`);
        }
        if (type.endsWith('*')) this.prefixes.push([type.slice(0, -1), { module, spec }]);
        else this.exact.set(type, { module, spec });
      }
    }
  }

  /** The owner of `type`, `undefined` when no module declares it. */
  owner(type: string): ResourceTypeOwner | undefined {
    return this.exact.get(type) ?? this.prefixes.find(([prefix]) => type.startsWith(prefix))?.[1];
  }
}
