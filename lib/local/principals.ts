import { randomBytes } from 'node:crypto';

/** Who signed a request: the identity API Gateway puts in `requestContext.identity` and IAM would evaluate. */
export interface Principal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials carry one; a request signed with them must send it as `X-Amz-Security-Token`. */
  readonly sessionToken?: string;
  readonly accountId: string;
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** `AIDA…` for a user, `AROA…:<session>` for an assumed role: what API Gateway reports as `caller` and `user`. */
  readonly userId: string;
  /** Temporary credentials stop working at this time (ms since epoch). */
  readonly expiresAt?: number;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Every key pair local mode accepts: the profiles of the credentials file and the temporary credentials a local STS
 * issued. Every service endpoint verifies signatures against this one registry, so a key works everywhere or nowhere.
 */
export class Principals {
  private readonly byAccessKey = new Map<string, Principal>();
  private readonly listeners: Array<(principal: Principal) => void> = [];

  constructor(principals: Iterable<Principal> = []) {
    for (const principal of principals) this.add(principal);
  }

  add(principal: Principal): void {
    this.byAccessKey.set(principal.accessKeyId, principal);
    for (const listener of this.listeners) listener(principal);
  }

  /** Calls `listener` with every principal added from now on (engines in other threads keep a copy). */
  onAdd(listener: (principal: Principal) => void): void {
    this.listeners.push(listener);
  }

  /** Every principal accepted now. */
  snapshot(): Principal[] {
    return [...this.byAccessKey.values()].filter((principal) => this.lookup(principal.accessKeyId) !== undefined);
  }

  /** The principal behind an access key, `undefined` when unknown or expired. */
  lookup(accessKeyId: string, now: number = Date.now()): Principal | undefined {
    const principal = this.byAccessKey.get(accessKeyId);
    if (!principal) return undefined;
    if (principal.expiresAt !== undefined && principal.expiresAt <= now) {
      this.byAccessKey.delete(accessKeyId);
      return undefined;
    }
    return principal;
  }

  /** For `verifySigV4`. */
  readonly lookupSecret = (accessKeyId: string): string | undefined => this.lookup(accessKeyId)?.secretAccessKey;
  readonly lookupSessionToken = (accessKeyId: string): string | undefined => this.lookup(accessKeyId)?.sessionToken;

  /**
   * Issues temporary credentials for an assumed role, as STS does (`ASIA…` key, session token, expiry), and accepts
   * them from now on.
   */
  issueTemporary(input: {
    readonly accountId: string;
    readonly roleName: string;
    readonly roleId: string;
    readonly sessionName: string;
    readonly durationSeconds: number;
    readonly now?: number;
  }): Principal {
    const now = input.now ?? Date.now();
    const principal: Principal = {
      accessKeyId: `ASIA${randomKey(16)}`,
      secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x'),
      sessionToken: randomBytes(96).toString('base64'),
      accountId: input.accountId,
      arn: `arn:aws:sts::${input.accountId}:assumed-role/${input.roleName}/${input.sessionName}`,
      userId: `${input.roleId}:${input.sessionName}`,
      expiresAt: now + input.durationSeconds * 1000,
    };
    this.add(principal);
    return principal;
  }
}

export function randomKey(length: number): string {
  return Array.from(randomBytes(length), (byte) => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
}
