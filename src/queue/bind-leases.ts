import type { BindSlots } from '../connectors/bind-slots.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import { countLiveLeases, holdNamedLease, releaseNamedLeases } from '../store/queries/named-leases.js';

/** This node's name on leases and how long one lasts. */
export interface BindLeaseOptions {
  readonly owner: string;
  readonly ms: number;
}

interface Member {
  readonly count: number;
  /** Slot index → until when this node's lease on it runs. */
  readonly held: Map<number, number>;
  readonly onChange: (held: ReadonlySet<number>) => Promise<void> | void;
}

const NODE_PREFIX = 'node:';

/**
 * Shares each connector's binds over the nodes on one database through named leases
 * (`bind:<connector>:<slot>`): a node opens a bind only while it holds its slot, renews its slots a
 * third of a lease apart, and takes a slot over once its holder let it lapse (a dead node's binds
 * come back on a live one about one lease later). Each node also holds `node:<owner>` while it
 * runs, so every node knows how many are alive and keeps its fair share of the binds, ceil(N /
 * nodes): a node holding more gives the extra up (bind closed first, then the lease), one holding
 * less takes free ones. With one node (SQLite) it holds every slot.
 */
export class BindLeases implements BindSlots {
  private readonly members = new Map<string, Member>();
  private timer: NodeJS.Timeout | undefined;
  /** Rounds run one after another: two would race each other's view of what is held. */
  private round: Promise<void> = Promise.resolve();
  private liveNodes = 1;

  constructor(
    private readonly store: Store,
    private readonly lease: BindLeaseOptions,
    private readonly logger: Logger,
  ) {}

  /** Announces this node and starts renewing, a third of a lease apart. */
  async start(): Promise<void> {
    await this.heartbeat(Date.now()).catch((error) =>
      this.logger.warn({ err: error }, 'could not announce this node; bind slots are retried'),
    );
    this.timer = setInterval(() => void this.tick(), Math.max(1000, Math.floor(this.lease.ms / 3)));
    this.timer.unref();
  }

  /** Stops renewing and gives up the node's own lease (connectors leave on their own stop). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    await releaseNamedLeases(this.store, [NODE_PREFIX + this.lease.owner], this.lease.owner).catch(() => {});
  }

  join(connector: string, count: number, onChange: Member['onChange']): Promise<void> {
    const member: Member = { count, held: new Map(), onChange };
    this.members.set(connector, member);
    return this.serialize(() => this.balance(connector, member));
  }

  leave(connector: string): Promise<void> {
    const member = this.members.get(connector);
    this.members.delete(connector);
    if (!member) return Promise.resolve();
    return this.serialize(async () => {
      const names = [...member.held.keys()].map((index) => slotName(connector, index));
      member.held.clear();
      await releaseNamedLeases(this.store, names, this.lease.owner).catch((error) =>
        this.logger.warn({ err: error, connector }, 'could not give up bind slots; they lapse on their own'),
      );
    });
  }

  /** The slots this node holds now, per connector (status and tests). */
  heldSlots(connector: string): number[] {
    return [...(this.members.get(connector)?.held.keys() ?? [])].sort((a, b) => a - b);
  }

  /** One round now: renew, rebalance, take over (also on schedule). */
  tick(): Promise<void> {
    return this.serialize(async () => {
      const now = Date.now();
      try {
        await this.heartbeat(now);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not renew this node\u2019s lease');
      }
      for (const [connector, member] of this.members) await this.balance(connector, member);
    });
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    const next = this.round.then(work, work);
    this.round = next.catch(() => {});
    return next;
  }

  private async heartbeat(now: number): Promise<void> {
    await holdNamedLease(
      this.store,
      NODE_PREFIX + this.lease.owner,
      this.lease.owner,
      now + this.lease.ms,
      now,
    );
    this.liveNodes = Math.max(1, await countLiveLeases(this.store, NODE_PREFIX, now));
  }

  private async balance(connector: string, member: Member): Promise<void> {
    const before = [...member.held.keys()].sort().join(',');
    const now = Date.now();
    const until = now + this.lease.ms;
    const share = Math.ceil(member.count / this.liveNodes);
    const givenUp: number[] = [];
    try {
      for (const index of [...member.held.keys()]) {
        if (await holdNamedLease(this.store, slotName(connector, index), this.lease.owner, until, now)) {
          member.held.set(index, until);
        } else {
          // Taken by another node while this one could not renew in time: its bind must close.
          member.held.delete(index);
          this.logger.warn({ connector, slot: index }, 'another node took this bind slot over');
        }
      }
      while (member.held.size > share) {
        const highest = Math.max(...member.held.keys());
        member.held.delete(highest);
        givenUp.push(highest);
      }
      for (let index = 0; index < member.count && member.held.size < share; index++) {
        if (member.held.has(index) || givenUp.includes(index)) continue;
        if (await holdNamedLease(this.store, slotName(connector, index), this.lease.owner, until, now))
          member.held.set(index, until);
      }
    } catch (error) {
      // The store does not answer: keep a slot only while its lease still runs, then close its
      // bind, since another node may take it over once the lease has lapsed.
      this.logger.warn({ err: error, connector }, 'could not renew bind slots');
      for (const [index, heldUntil] of member.held) if (heldUntil <= now) member.held.delete(index);
    }
    if ([...member.held.keys()].sort().join(',') !== before) {
      await member.onChange(new Set(member.held.keys()));
    }
    if (givenUp.length > 0) {
      // Closed first (onChange above), then free: two nodes never hold one bind at once.
      await releaseNamedLeases(
        this.store,
        givenUp.map((index) => slotName(connector, index)),
        this.lease.owner,
      ).catch(() => {});
      this.logger.info(
        { connector, slots: givenUp, nodes: this.liveNodes },
        'gave bind slots up to other nodes',
      );
    }
  }
}

function slotName(connector: string, index: number): string {
  return `bind:${connector}:${index}`;
}
