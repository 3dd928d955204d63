import { createHash } from 'node:crypto';
import type { LocalServiceModule } from '../service-module';

/**
 * KMS keys get a key id and ARN and nothing more: local stand-ins keep their data unencrypted on this machine (the
 * data directory is private to the user), so no key is ever used. A key's id is derived from its stack and logical
 * id, so a restart gives the same one.
 */
export const kmsModule: LocalServiceModule = {
  name: 'kms',
  resourceTypes: {
    'AWS::KMS::Key': {
      // A key's Ref is its id, a UUID.
      physicalId: ({ generated }) => {
        const hex = createHash('sha256').update(generated).digest('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      },
      arn: ({ name, region, accountId }) => `arn:aws:kms:${region}:${accountId}:key/${name}`,
      attributes: { KeyId: ({ name }) => name },
    },
  },
};
