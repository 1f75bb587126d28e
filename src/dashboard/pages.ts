import { type Capability, can } from '../accounts/access-policy.js';
import type { Principal } from '../accounts/roles.js';

/** One dashboard page: its path segment, its title, and what the caller's role must allow. */
export interface DashboardPage {
  readonly name: string;
  readonly title: string;
  /** The capability its data needs in the /v1 API; pages without one are everyone's. */
  readonly capability?: Capability;
  /** The 403 text, the API's own words for the same refusal. */
  readonly refusal?: string;
}

/**
 * Every page, in menu order. Which data each shows is decided by the /v1 routes it reads (they
 * answer 403/404 per the permission matrix); a page whose whole subject a role may not see is
 * refused here too, with the API's message, instead of rendering an empty shell.
 */
export const PAGES: readonly DashboardPage[] = [
  { name: 'overview', title: 'Overview' },
  { name: 'messages', title: 'Messages' },
  { name: 'compose', title: 'Compose' },
  { name: 'upload', title: 'CSV upload' },
  { name: 'inbound', title: 'Inbound & opt-outs' },
  { name: 'webhooks', title: 'Webhooks' },
  {
    name: 'connectors',
    title: 'Connectors & routes',
    capability: 'connectors:read',
    refusal: 'Only an admin may see the connectors',
  },
  { name: 'accounts', title: 'Accounts & keys' },
  { name: 'campaigns', title: 'Campaigns' },
];

/** The page with this name, or undefined. */
export function findPage(name: string): DashboardPage | undefined {
  return PAGES.find((page) => page.name === name);
}

/** Whether the caller may open the page. */
export function mayOpen(principal: Principal, page: DashboardPage): boolean {
  return page.capability === undefined || can(principal, page.capability);
}
