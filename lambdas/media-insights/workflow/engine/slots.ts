import type { SlotStore } from './ports';

/** Gives back the slot an execution holds, if any (completion, Waiting, deletion, failure). Idempotent. */
export async function releaseSlots(slots: SlotStore, executionId: string): Promise<void> {
  for (const slot of await slots.list()) {
    if (slot.executionId === executionId) await slots.release(slot.slot, executionId);
  }
}
