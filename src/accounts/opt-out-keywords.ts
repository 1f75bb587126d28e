import { z } from 'zod';

const keyword = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .transform((k) => normaliseKeyword(k));

/** Keywords of one language: replies that opt a number out, and replies that opt it back in. */
export const optOutKeywordsSchema = z
  .object({ stop: z.array(keyword).max(50).default([]), start: z.array(keyword).max(50).default([]) })
  .strict();
export type LanguageKeywords = z.output<typeof optOutKeywordsSchema>;
/** Keywords by language code (`en`, `fr` …). */
export type OptOutKeywords = Readonly<Record<string, LanguageKeywords>>;

/**
 * The usual ones: the CTIA/US carrier set in English, and the common words carriers and
 * regulators use elsewhere. Languages only group them; every language's words apply to every reply.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: Record<string, LanguageKeywords> = {
  en: {
    stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT-OUT'],
    start: ['START', 'UNSTOP', 'SUBSCRIBE', 'OPTIN', 'OPT-IN'],
  },
  fr: { stop: ['ARRET', 'ARRÊT', 'DESABONNER'], start: ['DEMARRER', 'DÉMARRER'] },
  de: { stop: ['STOPP', 'ABMELDEN'], start: ['ANMELDEN'] },
  es: { stop: ['BAJA', 'PARAR', 'ALTO'], start: ['ALTA', 'INICIO'] },
  it: { stop: ['ANNULLA', 'CANCELLA'], start: ['INIZIA'] },
  nl: { stop: ['STOPPEN', 'AFMELDEN'], start: ['AANMELDEN'] },
  ro: { stop: ['DEZABONARE'], start: ['ABONARE'] },
};

/** Upper case, no surrounding spaces or trailing punctuation: how keywords and replies are compared. */
export function normaliseKeyword(text: string): string {
  return text
    .trim()
    .replace(/[\s.!?,;:]+$/u, '')
    .toUpperCase();
}

/** `stop`, `start`, or null: what a reply's whole text asks for under these keywords. */
export function matchKeyword(text: string, keywords: OptOutKeywords): 'stop' | 'start' | null {
  const reply = normaliseKeyword(text);
  if (reply.length === 0 || reply.length > 32) return null;
  for (const language of Object.values(keywords)) if (language.stop.includes(reply)) return 'stop';
  for (const language of Object.values(keywords)) if (language.start.includes(reply)) return 'start';
  return null;
}
