// Every kind of callback URL a caller can hand the gateway, one per dialect, each as "send one
// message with this URL": what the SSRF and header-injection suites loop over. Not a test file.
import type { LightMyRequestResponse } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import type { Store } from '../../src/store/open-store.js';
import { provisionAccolades, sendForm } from '../api/dialects/accolades-support.js';
import { jasminGet, provisionJasmin } from '../api/dialects/jasmin-support.js';
import { provisionKannel, sendsms } from '../api/dialects/kannel-support.js';
import { createMessage, provisionTwilio } from '../api/dialects/twilio-support.js';
import { createAccount } from '../api/support.js';

export interface CallbackKind {
  /** The dialect and its parameter, as the docs name it. */
  readonly name: string;
  /** Provisions a caller (once per kind and gateway) and returns a sender for this kind. */
  caller(gateway: Gateway, store: Store): Promise<CallbackSender>;
}

export interface CallbackSender {
  readonly accountId: string;
  /** Sends one message to `to` asking for reports at `url`. */
  send(to: string, url: string): Promise<LightMyRequestResponse>;
}

export const CALLBACK_KINDS: readonly CallbackKind[] = [
  {
    name: 'native callbackUrl',
    async caller(gateway, store) {
      const { accountId, auth } = await createAccount(store);
      return {
        accountId,
        send: (to, url) =>
          gateway.http.inject({
            method: 'POST',
            url: '/v1/messages',
            headers: { ...auth, 'content-type': 'application/json' },
            payload: JSON.stringify({ to, text: 'callback', callbackUrl: url }),
          }),
      };
    },
  },
  {
    name: 'Kannel dlr-url',
    async caller(gateway) {
      const user = await provisionKannel(gateway);
      return {
        accountId: user.accountId,
        send: (to, url) =>
          gateway.http.inject(
            sendsms({
              username: user.username,
              password: user.password,
              to: to.replace('+', ''),
              text: 'callback',
              'dlr-mask': '31',
              'dlr-url': url,
            }),
          ),
      };
    },
  },
  {
    name: 'Jasmin dlr-url',
    async caller(gateway) {
      const user = await provisionJasmin(gateway);
      return {
        accountId: user.accountId,
        send: (to, url) =>
          gateway.http.inject(
            jasminGet('/send', {
              username: user.username,
              password: user.password,
              to,
              content: 'callback',
              dlr: 'yes',
              'dlr-url': url,
              'dlr-level': '3',
            }),
          ),
      };
    },
  },
  {
    name: 'Twilio StatusCallback',
    async caller(gateway) {
      const account = await provisionTwilio(gateway);
      return {
        accountId: account.accountId,
        send: (to, url) =>
          gateway.http.inject(
            createMessage(account, { To: to, From: '+447911000001', Body: 'callback', StatusCallback: url }),
          ),
      };
    },
  },
  {
    name: 'Accolades sendResultTo',
    async caller(gateway) {
      const account = await provisionAccolades(gateway);
      return {
        accountId: account.accountId,
        send: (to, url) =>
          gateway.http.inject(
            sendForm(account.accountNumber, {
              password: account.password,
              phoneNumber: to,
              message: 'callback',
              sendResultTo: url,
            }),
          ),
      };
    },
  },
];
