import type { Command } from 'commander';
import { apiRequest } from './api-client.js';
import { type ConnectionFlags, run, withConnection } from './command-support.js';

interface BindList {
  listening: { plain?: number; tls?: number };
  data: {
    id: number;
    accountId: string;
    systemId: string;
    mode: string;
    remoteAddress: string | null;
    boundAt: string;
    pendingSubmits: number;
    pendingDelivers: number;
    counters: Record<string, number>;
  }[];
}

const printBinds = (list: BindList) => {
  const ports = [
    list.listening.plain === undefined ? undefined : `port ${list.listening.plain}`,
    list.listening.tls === undefined ? undefined : `TLS port ${list.listening.tls}`,
  ].filter(Boolean);
  console.log(
    `# SMPP server: ${ports.length > 0 ? ports.join(', ') : 'not listening'}; ${list.data.length} bind(s)`,
  );
  for (const bind of list.data) {
    const c = bind.counters;
    console.log(
      `${bind.id}  ${bind.systemId} (${bind.accountId})  ${bind.mode}  ${bind.remoteAddress ?? '-'}  since ${bind.boundAt}` +
        `  submitted=${c.submitted} accepted=${c.accepted} refused=${c.refused} throttled=${c.throttled}` +
        ` receipts=${c.receiptsSent} inbound=${c.inboundSent} deliverFailed=${c.deliverFailed}` +
        ` pending=${bind.pendingSubmits}/${bind.pendingDelivers}`,
    );
  }
};

/** `smsgate smpp binds`: the clients bound to a running gateway's SMPP server, with their counters. */
export function registerSmppCommands(program: Command): void {
  const smpp = program.command('smpp').description("the gateway's SMPP server");
  withConnection(smpp.command('binds').description('bound SMPP clients and their counters')).action(
    (flags: ConnectionFlags) =>
      run(flags, (c) => apiRequest<BindList>(c, 'GET', '/v1/smpp/binds'), printBinds),
  );
}
