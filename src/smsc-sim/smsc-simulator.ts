import { canReceive, canTransmit } from '../smpp/bind-modes.js';
import { COMMAND_STATUS, isRetryableStatus } from '../smpp/command-status.js';
import type { Pdu, PduInit, SubmitSm } from '../smpp/pdu.js';
import { type BindRequest, SmppServer } from '../smpp/smpp-server.js';
import { type RequestHandler, type SmppSession, SmppTimeoutError } from '../smpp/smpp-session.js';
import { buildMoParts, type MoMessage } from './mo-message.js';
import { buildReceipt, wantsReceipt } from './sim-receipt.js';
import {
  type MessageIdFormat,
  matchRule,
  resolveSmscSimOptions,
  type SmscSimOptions,
  type SmscSimSettings,
} from './smsc-sim-options.js';
import { recordSubmit, type SubmitRecord } from './submit-record.js';

/** What the simulator has done since it was created. */
export interface SmscSimCounters {
  /** submit_sm received on sessions allowed to send them (whatever became of them). */
  submits: number;
  /** Answered with a message id. */
  accepted: number;
  /** Refused by a `rejected` rule (or an empty destination) with ESME_RINVDSTADR. */
  rejected: number;
  /** Answered ESME_RTHROTTLED (throttleEvery). */
  throttled: number;
  /** Connections closed without an answer (dropEvery). */
  dropped: number;
  /** Left unanswered (neverRespond). */
  unanswered: number;
  /** Receipts the receiver acknowledged with ESME_ROK. */
  receiptsSent: number;
  /** Receipts not yet acknowledged: waiting for their time, for a receiver, or for redelivery. */
  receiptsPending: number;
  /** Receipts the receiver refused with a permanent error (not sent again). */
  receiptsRefused: number;
  /** MO parts the receiver acknowledged with ESME_ROK. */
  moSent: number;
  /** Binds refused (unknown system_id or wrong password). */
  bindsRefused: number;
}

/** The outcome of `sendMo`: the concatenation reference used and each part's deliver_sm_resp status. */
export interface MoResult {
  reference: number | undefined;
  statuses: number[];
}

/** A deliver_sm waiting to go out to a receiver of `systemId`. */
interface Delivery {
  systemId: string;
  pdu: PduInit<'deliver_sm'>;
}

/**
 * An SMPP 3.4 SMSC for tests and demos, built on `SmppServer`: binds against a list of accounts,
 * answers submit_sm with message ids (hex or decimal), decides each message's fate by destination
 * rules and reports it in a delivery receipt (Appendix B text plus receipted_message_id and
 * message_state TLVs) to a receiver of the same system_id, storing receipts while none is bound.
 * Misbehaviour on demand: throttling, dropped connections, slow answers, a black hole.
 * `submits` records every accepted submit_sm as it arrived; `sendMo` delivers mobile-originated text.
 */
export class SmscSimulator {
  readonly settings: SmscSimSettings;
  /** Every accepted submit_sm, in arrival order (unless `recordSubmits` is off). */
  readonly submits: SubmitRecord[] = [];
  private readonly server: SmppServer;
  private readonly binds = new Map<SmppSession, BindRequest>();
  private readonly stored = new Map<string, Delivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Receipts in due order: the delay is constant, so a FIFO with one timer serves them all. */
  private readonly due: { at: number; delivery: Delivery }[] = [];
  private dueHead = 0;
  private dueTimer: NodeJS.Timeout | undefined;
  private readonly count: SmscSimCounters = {
    bindsRefused: 0,
    submits: 0,
    accepted: 0,
    rejected: 0,
    throttled: 0,
    dropped: 0,
    unanswered: 0,
    receiptsSent: 0,
    receiptsPending: 0,
    receiptsRefused: 0,
    moSent: 0,
  };
  private nextId = 0x1_0000_0000 + Math.floor(Math.random() * 0xff_0000_0000);
  private nextReference = Math.floor(Math.random() * 256);
  private roundRobin = 0;
  private listening: number | undefined;
  private stopped = false;

  /** @throws ValidationError for an invalid option. */
  constructor(options: SmscSimOptions = {}) {
    this.settings = resolveSmscSimOptions(options);
    this.server = new SmppServer({
      ...this.settings.session,
      systemId: this.settings.smscSystemId,
      authenticate: (bind) => this.authenticate(bind),
      onBound: (session, bind) => this.onBound(session, bind),
    });
  }

  /** A snapshot of the counters. */
  get counters(): SmscSimCounters {
    return { ...this.count };
  }

  /**
   * Receipts that fell due while no receiver of their system_id was bound, kept for the next one
   * (what a test waits for instead of sleeping past the receipt delay).
   */
  get storedReceipts(): number {
    let count = 0;
    for (const queue of this.stored.values()) count += queue.length;
    return count;
  }

  /** The port it listens on, once started. */
  get port(): number | undefined {
    return this.listening;
  }

  /** The bound sessions with their system_id and state (bound_tx / bound_rx / bound_trx). */
  get boundSessions(): { systemId: string; state: SmppSession['state'] }[] {
    return [...this.binds].map(([session, bind]) => ({ systemId: bind.systemId, state: session.state }));
  }

  /** Starts listening; resolves with the port (pass 0 for a free one). */
  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    if (this.listening !== undefined || this.stopped) throw new Error('the simulator was already started');
    this.listening = await this.server.listen(port, host);
    return this.listening;
  }

  /** Stops: forgets scheduled answers and receipts, unbinds every session and stops listening. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.listening !== undefined) await this.server.close();
  }

  /**
   * Sends a mobile-originated message as deliver_sm (one per part, with a concatenation UDH when there
   * are several) to a receiving session, and resolves with each part's response status.
   * @throws Error when no receiving session (of `mo.systemId`, if given) is bound; RangeError when the
   * text does not fit the parts asked for.
   */
  async sendMo(mo: MoMessage): Promise<MoResult> {
    const reference = mo.reference ?? this.nextReference++ % (mo.refBits === 16 ? 0x10000 : 0x100);
    const parts = buildMoParts(mo, reference);
    const session = this.receiverFor(mo.systemId);
    if (!session) {
      throw new Error(`no receiving session bound${mo.systemId ? ` for ${mo.systemId}` : ''}`);
    }
    const responses = await Promise.all(parts.map((pdu) => session.request('deliver_sm', pdu)));
    const statuses = responses.map((response) => response.commandStatus);
    this.count.moSent += statuses.filter((status) => status === COMMAND_STATUS.ESME_ROK).length;
    return { reference: parts.length > 1 ? reference : undefined, statuses };
  }

  private authenticate(bind: BindRequest): number {
    const accounts = this.settings.accounts.filter((account) => account.systemId === bind.systemId);
    const status =
      accounts.length === 0
        ? COMMAND_STATUS.ESME_RINVSYSID
        : accounts.some((account) => account.password === bind.password)
          ? COMMAND_STATUS.ESME_ROK
          : COMMAND_STATUS.ESME_RINVPASWD;
    if (status !== COMMAND_STATUS.ESME_ROK) this.count.bindsRefused++;
    return status;
  }

  private onBound(session: SmppSession, bind: BindRequest): RequestHandler {
    this.binds.set(session, bind);
    session.onClose(() => this.binds.delete(session));
    if (canReceive(session.state)) this.flushStored(bind.systemId, session);
    return (pdu) => this.onRequest(session, bind, pdu);
  }

  private onRequest(session: SmppSession, bind: BindRequest, pdu: Pdu): void {
    switch (pdu.command) {
      case 'submit_sm':
        this.onSubmit(session, bind, pdu);
        return;
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        session.respondError(pdu, COMMAND_STATUS.ESME_RALYBND);
        return;
      default:
        // query_sm, data_sm, submit_multi… are not simulated.
        session.respondError(pdu, COMMAND_STATUS.ESME_RINVCMDID);
    }
  }

  private onSubmit(session: SmppSession, bind: BindRequest, pdu: SubmitSm): void {
    if (!canTransmit(session.state)) {
      session.respondError(pdu, COMMAND_STATUS.ESME_RINVBNDSTS);
      return;
    }
    const n = ++this.count.submits;
    const { dropEvery, throttleEvery, neverRespond, rules } = this.settings;
    if (dropEvery !== undefined && n % dropEvery === 0) {
      this.count.dropped++;
      session.destroy(new Error(`simulated connection drop on submit_sm #${n}`));
      return;
    }
    if (throttleEvery !== undefined && n % throttleEvery === 0) {
      this.count.throttled++;
      this.answer(() => session.respondError(pdu, COMMAND_STATUS.ESME_RTHROTTLED));
      return;
    }
    if (neverRespond) {
      this.count.unanswered++;
      return;
    }
    const rule = matchRule(rules, pdu.destination_addr);
    const outcome = rule?.outcome ?? 'delivered';
    if (outcome === 'rejected' || pdu.destination_addr === '') {
      this.count.rejected++;
      this.answer(() => session.respondError(pdu, COMMAND_STATUS.ESME_RINVDSTADR));
      return;
    }
    const id = this.nextId++;
    const messageId = formatId(id, this.settings.messageIdFormat);
    this.count.accepted++;
    const record = recordSubmit(pdu, { messageId, systemId: bind.systemId, outcome });
    if (this.settings.recordSubmits) this.submits.push(record);
    let receipt: Delivery | undefined;
    if (wantsReceipt(pdu.registered_delivery, outcome) && outcome !== 'silent') {
      const submitDate = new Date();
      receipt = {
        systemId: bind.systemId,
        pdu: buildReceipt(pdu, {
          receiptId: formatId(id, this.settings.receiptIdFormat),
          outcome,
          err: rule?.err,
          text: record.text,
          submitDate,
          doneDate: new Date(
            submitDate.getTime() + this.settings.responseDelayMs + this.settings.receiptDelayMs,
          ),
        }),
      };
      this.count.receiptsPending++;
    }
    this.answer(() => {
      session.respond(pdu, 'submit_sm_resp', { message_id: messageId });
      if (receipt) this.scheduleReceipt(receipt);
    });
  }

  /** Runs `reply` now, or after responseDelayMs. */
  private answer(reply: () => void): void {
    if (this.settings.responseDelayMs === 0) reply();
    else this.later(this.settings.responseDelayMs, reply);
  }

  private later(delayMs: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }

  private scheduleReceipt(delivery: Delivery): void {
    if (this.stopped) return;
    this.due.push({ at: Date.now() + this.settings.receiptDelayMs, delivery });
    if (this.dueTimer === undefined) this.armDueTimer();
  }

  private armDueTimer(): void {
    const head = this.due[this.dueHead];
    if (head === undefined) {
      this.due.length = 0;
      this.dueHead = 0;
      return;
    }
    this.dueTimer = setTimeout(() => this.releaseDue(), Math.max(0, head.at - Date.now()));
  }

  private releaseDue(): void {
    this.dueTimer = undefined;
    const now = Date.now();
    for (
      let head = this.due[this.dueHead];
      head !== undefined && head.at <= now;
      head = this.due[this.dueHead]
    ) {
      this.dueHead++;
      this.deliver(head.delivery);
    }
    if (this.dueHead > 1024 && this.dueHead * 2 > this.due.length) {
      this.due.splice(0, this.dueHead);
      this.dueHead = 0;
    }
    this.armDueTimer();
  }

  /** Sends a receipt to a receiver of its system_id, or stores it until one binds. */
  private deliver(delivery: Delivery): void {
    if (this.stopped) return;
    const session = this.receiverFor(delivery.systemId);
    if (session) this.send(session, delivery);
    else {
      const queue = this.stored.get(delivery.systemId);
      if (queue) queue.push(delivery);
      else this.stored.set(delivery.systemId, [delivery]);
    }
  }

  private flushStored(systemId: string, session: SmppSession): void {
    const queue = this.stored.get(systemId);
    if (!queue) return;
    this.stored.delete(systemId);
    for (const delivery of queue) this.send(session, delivery);
  }

  private send(session: SmppSession, delivery: Delivery): void {
    session.request('deliver_sm', delivery.pdu).then(
      (response) => {
        if (response.commandStatus === COMMAND_STATUS.ESME_ROK) {
          this.count.receiptsPending--;
          this.count.receiptsSent++;
        } else if (isRetryableStatus(response.commandStatus)) {
          this.later(this.settings.redeliveryDelayMs, () => this.deliver(delivery));
        } else {
          this.count.receiptsPending--;
          this.count.receiptsRefused++;
        }
      },
      (error: unknown) => {
        if (error instanceof SmppTimeoutError) {
          // Unanswered: the receiver may be busy; try again later.
          this.later(this.settings.redeliveryDelayMs, () => this.deliver(delivery));
        } else if (!session.isOpen) {
          // The session went away first: another receiver, or store it until one binds.
          this.deliver(delivery);
        } else {
          // It could not be sent at all (cannot be encoded); sending it again would fail the same way.
          this.count.receiptsPending--;
          this.count.receiptsRefused++;
        }
      },
    );
  }

  /** A receiving session (RX or TRX, still open) of `systemId` (any, when undefined), in turn. */
  private receiverFor(systemId: string | undefined): SmppSession | undefined {
    const receivers: SmppSession[] = [];
    for (const [session, bind] of this.binds) {
      if (
        session.isOpen &&
        canReceive(session.state) &&
        (systemId === undefined || bind.systemId === systemId)
      ) {
        receivers.push(session);
      }
    }
    if (receivers.length === 0) return undefined;
    return receivers[this.roundRobin++ % receivers.length];
  }
}

/** A message id in the simulator's format. */
export function formatId(id: number, format: MessageIdFormat): string {
  return id.toString(format === 'hex' ? 16 : 10);
}
