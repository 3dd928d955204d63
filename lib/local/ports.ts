import type { LocalServiceModule } from './service-module';

/** The highest port number; the base port leaves room for every listening module after it. */
const MAX_PORT = 65_535;

/**
 * The port of each listening module: the first takes `basePort`, each next one the following port, in registry
 * order. A base of 0 gives every module a free port of the system's choosing.
 */
export function allocatePorts(basePort: number, modules: readonly LocalServiceModule[]): Map<string, number> {
  const listening = modules.filter((module) => module.listens);
  if (!Number.isInteger(basePort) || basePort < 0 || (basePort > 0 && basePort + listening.length - 1 > MAX_PORT)) {
    throw new RangeError(
      `The base port must be 0 or a port from 1 to ${MAX_PORT - listening.length + 1} (local mode listens on ` +
        `${listening.length} consecutive ports), got ${basePort}`,
    );
  }
  return new Map(listening.map((module, index) => [module.name, basePort === 0 ? 0 : basePort + index]));
}

/** The number of consecutive ports local mode takes from the base port. */
export function portCount(modules: readonly LocalServiceModule[]): number {
  return modules.filter((module) => module.listens).length;
}
