/** Writing the SOAP answers: escaping and the envelope every one of them shares. */

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The agent service's namespace (seed 004). */
export const AGENT_NS = 'http://com/jacada/interact/agent/soap';

/** Text and attribute values with `&`, `<`, `>`, `"` and `'` escaped. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[ch]};`,
  );
}

/** A SOAP 1.1 envelope around `body`, with the prefixes and empty header the seed's answers have. */
export function soapEnvelope(body: string): string {
  return `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENVELOPE_NS}"><SOAP-ENV:Header/><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

/** `<ns2:name xmlns:ns2="…agent/soap"><ns2:child>text</ns2:child></ns2:name>`. */
export function agentElement(name: string, child: string, text: string): string {
  return `<ns2:${name} xmlns:ns2="${AGENT_NS}"><ns2:${child}>${escapeXml(text)}</ns2:${child}></ns2:${name}>`;
}

/** A SOAP 1.1 fault; `faultcode` and `faultstring` unqualified, as SOAP 1.1 and the seed have them. */
export function soapFault(faultcode: string, faultstring: string): string {
  return soapEnvelope(
    `<SOAP-ENV:Fault><faultcode>${escapeXml(faultcode)}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></SOAP-ENV:Fault>`,
  );
}
