/**
 * The `--output` names of the listener and inventory writers (output.ts). Apart from the writers so the command line
 * can offer them without loading the inventory.
 */
export const INVENTORY_OUTPUTS = ['table', 'jsonl', 'csv'] as const;

export type InventoryOutput = (typeof INVENTORY_OUTPUTS)[number];
