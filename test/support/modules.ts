import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Principals } from '../../lib/local/principals';
import type { LocalCloud, LocalService, LocalServiceModule } from '../../lib/local/service-module';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'test-secret' };

/**
 * One service module started on its own, as local mode starts it: a fresh directory, a free port, and principals
 * that accept `TEST_CREDENTIALS`. `services` stands in for the other modules it calls.
 */
export async function startModule<T extends LocalService>(
  module: LocalServiceModule,
  options: {
    services?: Record<string, LocalService>;
    principals?: Principals;
    /** The keys the module calls other services with. @default TEST_CREDENTIALS */
    credentials?: { accessKeyId: string; secretAccessKey: string };
  } = {},
): Promise<{ service: T; cloud: LocalCloud; directory: string; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mediaplane-${module.name}-`));
  const directory = path.join(dataDir, module.name);
  fs.mkdirSync(directory);
  const principals =
    options.principals ??
    new Principals([
      {
        ...TEST_CREDENTIALS,
        accountId: '000000000000',
        arn: 'arn:aws:iam::000000000000:user/test',
        userId: 'AIDATESTTESTTESTTEST',
      },
    ]);
  const services: Record<string, LocalService> = { ...options.services };
  const cloud: LocalCloud = {
    region: 'us-east-1',
    accountId: '000000000000',
    dataDir,
    assemblyDir: dataDir,
    principals,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    log: () => {},
    service: <S extends LocalService>(name: string) => {
      const service = services[name];
      if (!service) throw new Error(`no service ${name} in this test`);
      return service as S;
    },
    endpoint: (name) => services[name]?.endpoint ?? '',
    endpointVariables: () => ({}),
  };
  const service = (await module.start!({ cloud, directory, port: 0 })) as T;
  services[module.name] = service;
  return {
    service,
    cloud,
    directory,
    stop: async () => {
      await service.quiesce?.();
      await service.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
