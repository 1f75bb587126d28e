import { COMMAND_STATUS } from '../../src/smpp/command-status.js';
import type { Pdu } from '../../src/smpp/pdu.js';
import { REGISTERED_DELIVERY } from '../../src/smpp/pdu-flags.js';
import { bindSession } from '../../src/smpp/smpp-client.js';
import type { SmppSession } from '../../src/smpp/smpp-session.js';
import { receiptedMessageId } from '../../src/smpp/tlv-values.js';

/** The i-th recipient: valid UK mobile numbers the sim upstream delivers. */
export function bulkRecipient(i: number): string {
  return `4479111${String(i % 100_000).padStart(5, '0')}`;
}

/**
 * An SMPP client for load tests: one transceiver bind with a window of unanswered submits, and a
 * record of what happened — the id of every submit answered ESME_ROK, the ids receipts named
 * (each acknowledged), and what else it was answered.
 */
export class BulkClient {
  /** Message ids of the submits answered ESME_ROK. */
  readonly answered = new Set<string>();
  /** Ids named by the receipts received (acknowledged with deliver_sm_resp). */
  readonly receipted = new Set<string>();
  /** Other answers: command_status → count. */
  readonly refusals = new Map<number, number>();
  /** Submits cut by the connection ending (no answer). */
  unanswered = 0;
  session: SmppSession | undefined;

  constructor(
    private readonly port: number,
    private readonly systemId: string,
    private readonly password: string,
    private readonly window: number,
  ) {}

  async bind(): Promise<void> {
    this.session = await bindSession(
      {
        host: '127.0.0.1',
        port: this.port,
        systemId: this.systemId,
        password: this.password,
        mode: 'transceiver',
        windowSize: this.window,
      },
      (pdu: Pdu, session) => {
        if (pdu.command !== 'deliver_sm') return;
        const id = receiptedMessageId(pdu);
        if (id) this.receipted.add(id);
        session.respond(pdu, 'deliver_sm_resp');
      },
    );
  }

  /**
   * Submits messages `from`…`to - 1`, at most `window` unanswered at once, throttled ones resent.
   * `onAnswered` runs after each ESME_ROK (a test cuts the connection from there).
   */
  async submitRange(from: number, to: number, onAnswered?: (count: number) => void): Promise<void> {
    let next = from;
    const worker = async () => {
      while (next < to) {
        const i = next++;
        for (;;) {
          const session = this.session;
          if (!session?.isOpen) {
            this.unanswered++;
            return;
          }
          let response: Pdu;
          try {
            response = await session.request('submit_sm', {
              source_addr_ton: 5,
              source_addr: 'Bulk',
              dest_addr_ton: 1,
              dest_addr_npi: 1,
              destination_addr: bulkRecipient(i),
              registered_delivery: REGISTERED_DELIVERY.RECEIPT_ON_FINAL,
              short_message: Buffer.from(`bulk ${i}`),
            });
          } catch {
            this.unanswered++;
            return;
          }
          if (response.commandStatus === COMMAND_STATUS.ESME_ROK && response.command === 'submit_sm_resp') {
            this.answered.add(response.message_id);
            onAnswered?.(this.answered.size);
            break;
          }
          this.refusals.set(response.commandStatus, (this.refusals.get(response.commandStatus) ?? 0) + 1);
          if (response.commandStatus !== COMMAND_STATUS.ESME_RTHROTTLED) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    await Promise.all(Array.from({ length: this.window }, worker));
  }

  /** Answered submits whose receipt has not come. */
  missingReceipts(): string[] {
    return [...this.answered].filter((id) => !this.receipted.has(id));
  }

  /** Drops the connection without an unbind (a client that crashed or lost its network). */
  cut(): void {
    this.session?.destroy(new Error('client cut the connection'));
  }

  async unbind(): Promise<void> {
    await this.session?.unbind();
  }
}
