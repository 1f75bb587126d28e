/**
 * Which of a connector's binds this node may open. Several gateways on one database share a
 * connector's configured binds (N binds means N across the cluster, as the SMSC counts them), so
 * a connector opens a bind only while it holds that bind's slot. A connector without a BindSlots
 * (tests, tools) opens all of them.
 */
export interface BindSlots {
  /**
   * Registers `count` binds of `connector`. `onChange` is called with the slot indexes this node
   * holds whenever they change (a slot taken over from a node that died, one given up to balance
   * the binds over the nodes, one lost). Resolves once the first assignment is known.
   */
  join(connector: string, count: number, onChange: (held: ReadonlySet<number>) => void): Promise<void>;
  /** Gives up every slot of `connector` (its binds are closed first). */
  leave(connector: string): Promise<void>;
}
