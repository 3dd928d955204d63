/**
 * Message texts the control plane adds to the domain's (`../domain/messages.ts`), all ours: the original has no
 * equivalent (it lets DynamoDB fail, overwrites silently, or has no registration of several definitions at once).
 */
export const ControlPlaneMessages = {
  /** DynamoDB keys are 1 to 2048 bytes; the original passes other names on and fails with a 500. */
  nameNotStorable: (field: string) => `'${field}' must be a string of 1 to 2048 bytes`,
  /** `PUT /workflow` raced another update or a delete of the same workflow. */
  workflowChanged: (name: string) =>
    `Workflow ${name} was changed by another request while it was being updated; read it again and retry`,
  /** A record DynamoDB cannot hold (400 KB an item, even packed); the original answers a 500 or fails mid-run. */
  recordTooLarge: (kind: string, name: string, attribute: string) =>
    `${kind} ${name} is too large to store: an item is limited to 400 KB, and ${attribute} takes most of it`,
  /** The registration custom resource only replaces definitions it created itself. */
  notRegisteredByStack: (kind: 'Operation' | 'Stage' | 'Workflow', name: string) =>
    `${kind} ${name} already exists and was not created by the workflow registration custom resource`,
} as const;
