import { Principals } from '../../lib/local/principals';

/** The principals of a test endpoint that accepts exactly these keys, as an IAM user of the local account. */
export function principalsFor(credentials: { accessKeyId: string; secretAccessKey: string }): Principals {
  return new Principals([
    {
      ...credentials,
      accountId: '000000000000',
      arn: 'arn:aws:iam::000000000000:user/test',
      userId: 'AIDATESTUSER',
    },
  ]);
}
