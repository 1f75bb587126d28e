/**
 * The page `moreInfoUrl` points at by default (`GET /interact/help`): what a caller refused with a
 * 401 needs to know, without a round trip to anyone's support.
 */
export const INTERACT_HELP = `smsgate — Interact campaign SMS API (seed 004)

Every request but the WSDL carries these headers:

  Tenant-Id: <tenant id>            the identifier of your application_key credential
  Application-Key: <key>            its secret, shown once when it was created
  Environment-Name: <environment>   the credential's environment; leave it out for the default one

A 401 says which of them is missing in its Unauthenticated-Reason header, or that they are wrong
(an unknown tenant, a wrong key, another environment, a revoked credential or a disabled account
all read the same). On the REST paths the account in the URL must be your own: your tenant id or
your smsgate account id.

Whoever manages your smsgate account creates the credential:

  smsgate credentials create <account id> --kind application_key [--environment <name>]

See docs/dialects/interact.md in the smsgate documentation for every answer of this API.
`;
