import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { AuthenticationError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import type { Dialect } from '../../dialect.js';
import { parseForm } from '../../formats/form.js';
import { parseMultipart } from '../../formats/multipart.js';
import { renderAccoladesError } from './accolades-reply.js';
import { accountPasswordCheck, rememberCallerRegion } from './account-password-check.js';
import { formFieldsOf, formValue } from './send-form.js';
import { registerSendRoute } from './send-route.js';

/**
 * Seed 003's `sms/send` form API (docs/dialects/accolades.md): `POST /<accountNumber>/sms/send`
 * with form fields (urlencoded or multipart), authenticated by the `password` field against the
 * `account_password` credential of that account number; `{ "type" : "ok" }` or
 * `{"type":"error","message":…}`; the `deliveryReport` notification through the webhook outbox
 * (`accolades` payload format). Its route lives at the root, so paths it does not answer get the
 * native 404 the root shares.
 */
export const accoladesDialect: Dialect = {
  name: 'accolades',
  prefixes: [''],
  parsers: [
    { contentTypes: ['application/x-www-form-urlencoded'], parse: (body) => parseForm(body) },
    {
      contentTypes: ['multipart/form-data'],
      parse: (body, request) => parseMultipart(body, request.headers['content-type'] ?? ''),
    },
  ],
  async authenticate(request: FastifyRequest, gateway: Gateway): Promise<Principal> {
    const password = formValue(formFieldsOf(request.body), 'password');
    if (!password) {
      throw new AuthenticationError(
        'The password parameter is missing: send password, phoneNumber and message as form fields in the POST body',
      );
    }
    const { accountNumber } = request.params as { accountNumber: string };
    const caller = await accountPasswordCheck(gateway).verify(accountNumber, password);
    rememberCallerRegion(request, caller.region);
    return caller.principal;
  },
  renderError: (error) => renderAccoladesError(error),
  routes(scope: FastifyInstance, _prefix: string, gateway: Gateway) {
    registerSendRoute(scope, gateway, accoladesDialect);
  },
};
