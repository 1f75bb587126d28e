import type { Connector, OutboundMessage, SubmitResult } from '../connectors/connector.js';
import { ConnectorError } from '../core/errors.js';
import type { DispatchItem } from './dispatch-item.js';
import type { DispatchState } from './dispatch-state.js';
import { HandOver } from './hand-over.js';
import type { ReadyQueue } from './ready-queue.js';
import { decideAfterFailure } from './retry-decision.js';
import type { ScheduledRelease } from './scheduled-release.js';

/** How often messages waiting for a connector that is down are offered to their routes' others. */
const MOVE_AWAY_INTERVAL_MS = 1000;

/**
 * Hands ready messages to their connectors, as many as each one's window allows, and takes care
 * of what comes back: `sent`, a final refusal, or a retry (failover now, or the shared back-off).
 * A message is submitted only once its `sending` transition is stored — the lifecycle guard makes
 * that the one moment a cancel (from any node) and a submission cannot both win.
 */
export class SubmissionPump {
  private readonly lastMoveAway = new Map<string, number>();
  /** Per connector, submissions whose `sending` write is under way (they hold a window slot). */
  private readonly starting = new Map<string, number>();
  private drained: (() => void) | undefined;
  private readonly handOver: HandOver;

  constructor(
    private readonly state: DispatchState,
    private readonly release: ScheduledRelease,
  ) {
    this.handOver = new HandOver(state);
  }

  /** Resolves once no submission is in flight, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.state.inFlight === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.drained = resolve;
      }),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  pump(): void {
    const { state } = this;
    if (!state.running) return;
    const now = Date.now();
    for (const [name, queue] of state.queues) {
      const connector = state.options.connectors.get(name)!;
      let room = connector.available() - (this.starting.get(name) ?? 0);
      if (room <= 0 && queue.length > 0 && connector.status().state === 'remote') {
        this.handOver.handOver(name, queue);
        continue;
      }
      if (queue.length > room) this.moveAwayFromDown(name, connector, queue, now);
      while (room > 0 && queue.length > 0) {
        const item = queue.shift()!;
        state.inMemory--;
        if (state.holdings.canceled.delete(item.id)) {
          state.holdings.release(item.id);
          continue;
        }
        const refusal = state.options.refuse?.(item);
        if (refusal) {
          state.finish(item, { id: item.id, status: 'rejected', at: now, finalAt: now, ...refusal });
          continue;
        }
        if (item.expiresAt <= now) {
          state.finish(item, {
            id: item.id,
            status: 'expired',
            at: now,
            finalAt: now,
            detail: 'validity period ended before it could be sent',
          });
          continue;
        }
        room--;
        this.submit(connector, item, now);
      }
    }
  }

  private submit(connector: Connector, item: DispatchItem, now: number): void {
    const { state } = this;
    state.holdings.hold(item.id, 'in-flight');
    state.inFlight++;
    item.attempts++;
    this.starting.set(connector.name, (this.starting.get(connector.name) ?? 0) + 1);
    const claimed = state.options.writer.record({
      id: item.id,
      status: 'sending',
      at: now,
      attempts: item.attempts,
      connector: connector.name,
    });
    claimed.then(
      (applied) => {
        this.starting.set(connector.name, (this.starting.get(connector.name) ?? 1) - 1);
        if (!applied) {
          // Canceled (or moved on) in the store meanwhile: not ours to send any more.
          state.unsent--;
          state.holdings.release(item.id);
          this.settleInFlight();
          return;
        }
        let promise: Promise<SubmitResult>;
        try {
          promise = connector.submit(toOutbound(item));
        } catch (error) {
          promise = Promise.reject(error);
        }
        promise.then(
          (result) => this.onSubmitted(connector, item, result),
          (error: unknown) => this.onSubmitFailed(item, error),
        );
      },
      (error: unknown) => {
        // The store refused the write: the message stays where the store has it; try again later.
        this.starting.set(connector.name, (this.starting.get(connector.name) ?? 1) - 1);
        state.options.logger.error({ err: error, messageId: item.id }, 'could not store sending; will retry');
        this.onSubmitFailed(item, new ConnectorError('could not record the submission', { retryable: true }));
      },
    );
  }

  private onSubmitted(connector: Connector, item: DispatchItem, result: SubmitResult): void {
    const { state } = this;
    this.settleInFlight();
    const at = Date.now();
    state.options.tracker.register(connector.name, item.id, result.upstreamIds);
    state.unsent--;
    state.settle(
      item.id,
      state.options.writer.record({
        id: item.id,
        status: 'sent',
        at,
        sentAt: at,
        connector: connector.name,
        newParts: result.upstreamIds.map((upstreamId, index) => ({
          index,
          connector: connector.name,
          upstreamId,
        })),
      }),
    );
  }

  private onSubmitFailed(item: DispatchItem, error: unknown): void {
    const { state } = this;
    const { options } = state;
    this.settleInFlight();
    const failure =
      error instanceof ConnectorError
        ? error
        : new ConnectorError(error instanceof Error ? error.message : String(error), {
            retryable: true,
            cause: error,
          });
    const at = Date.now();
    const code = failure.rawCode ?? null;
    const failedVia = item.connector;
    const decision = decideAfterFailure(failure, {
      attempts: item.attempts,
      maxAttempts: options.queue.maxAttempts,
      expiresAt: item.expiresAt,
      connector: failedVia,
      alternative: options.routing?.next(item.route, failedVia),
      retryConnector: options.routing?.current(item.route, failedVia) ?? failedVia,
      retryBaseMs: options.queue.retryBaseMs,
      retryMaxMs: options.queue.retryMaxMs,
      now: at,
    });
    if (decision.kind === 'final') {
      state.finish(item, {
        id: item.id,
        status: decision.status,
        at,
        finalAt: at,
        code,
        detail: decision.detail,
      });
      return;
    }
    item.connector = decision.connector;
    const write = options.writer.record({
      id: item.id,
      status: 'queued',
      at,
      code,
      detail: decision.detail,
      nextAttemptAt: decision.due,
    });
    if (this.release.scheduler.add({ id: item.id, due: decision.due, item })) {
      state.holdings.hold(item.id, 'waiting');
      // Nobody else awaits this write: a store that is down must not make it an unhandled rejection.
      write.catch((error: unknown) =>
        options.logger.error({ err: error, messageId: item.id }, 'could not store a retry'),
      );
    } else {
      state.settle(item.id, write);
    }
  }

  /**
   * A connector that is down cannot drain its queue: offer its messages to the other connectors
   * of their routes (at most once a second per connector, as it walks the whole queue).
   */
  private moveAwayFromDown(name: string, connector: Connector, queue: ReadyQueue, now: number): void {
    const { state } = this;
    const routing = state.options.routing;
    if (!routing || connector.status().state !== 'down') return;
    if (now - (this.lastMoveAway.get(name) ?? 0) < MOVE_AWAY_INTERVAL_MS) return;
    this.lastMoveAway.set(name, now);
    const stay: DispatchItem[] = [];
    let moved = 0;
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const alternative = routing.next(item.route, name);
      const target = alternative === undefined ? undefined : state.queues.get(alternative);
      if (target) {
        item.connector = alternative!;
        target.push(item);
        moved++;
      } else {
        stay.push(item);
      }
    }
    for (const item of stay) queue.push(item);
    if (moved > 0)
      state.options.logger.info(
        { connector: name, moved },
        'connector is down; messages moved to other connectors of their routes',
      );
  }

  private settleInFlight(): void {
    const { state } = this;
    state.inFlight--;
    if (state.inFlight === 0 && this.drained) {
      this.drained();
      this.drained = undefined;
    }
    state.wake();
  }
}

function toOutbound(item: DispatchItem): OutboundMessage {
  return {
    id: item.id,
    to: item.to,
    from: item.from,
    fromKind: item.fromKind,
    text: item.text,
    encoding: item.encoding,
    udhi: item.udhi,
    segments: item.segments,
    priority: item.priority,
    attempt: item.attempts,
    expiresAt: item.expiresAt,
  };
}
