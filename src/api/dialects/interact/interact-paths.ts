/** Where the Interact API lives under the gateway's `/interact` prefix (paths relative to it). */
export const INTERACT_PREFIX = '/interact';

/** The REST campaign API, version 3, per account. */
export const REST_ACCOUNT_PATH = '/version/3/account/:accountId/resources';

/** The SOAP agent service: its endpoint and its WSDL. */
export const SOAP_ENDPOINT_PATH = '/version/2/agent/soap';
export const SOAP_WSDL_PATH = `${SOAP_ENDPOINT_PATH}/agent.wsdl`;

/** The gateway's own help page, the default `moreInfoUrl` of 401 answers. */
export const HELP_PATH = '/help';

/** Whether a request (its URL) is for the SOAP service, which answers in SOAP even when it fails. */
export function isSoapRequest(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  const soap = INTERACT_PREFIX + SOAP_ENDPOINT_PATH;
  return path === soap || path.startsWith(`${soap}/`);
}
