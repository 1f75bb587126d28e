import type { Config } from '../config/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { parseSender } from '../core/phone-numbers.js';
import type { Store } from '../store/open-store.js';
import {
  type CampaignChanges,
  type CampaignRow,
  deleteCampaign,
  findCampaign,
  insertCampaign,
  listCampaigns,
  updateCampaign,
} from '../store/queries/campaigns.js';

/**
 * A campaign id as accounts choose them (`campaign1`, `camp 1`): 1–100 characters, no control
 * characters, no `/` (it travels in URL paths), no spaces at either end.
 */
export const CAMPAIGN_ID = /^(?![\s])[^/\p{Cc}]{1,100}(?<![\s])$/u;

/** What a campaign is made of, as given by its owner. */
export interface CampaignFields {
  readonly name?: string | null | undefined;
  readonly text?: string | undefined;
  /** Default sender; null removes it. */
  readonly from?: string | null | undefined;
  /** The connector its messages must use; null lets the route table decide. */
  readonly connector?: string | null | undefined;
}

/**
 * Campaigns (seed 004): an account's SMS templates under ids it chooses, each with an optional
 * default sender and connector. Who may manage whose is the API's question (AccessPolicy); this
 * checks the fields: a text within `maxTextLength`, a sender that is a possible number (as
 * operators accept senders) or a short code or alphanumeric id, a connector the gateway has.
 */
export class Campaigns {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly connectorNames: () => readonly string[],
  ) {}

  /** Creates one; 409 `campaign_exists` when the account has this id already. */
  async create(
    accountId: string,
    id: string,
    fields: CampaignFields & { text: string },
  ): Promise<CampaignRow> {
    if (!CAMPAIGN_ID.test(id)) {
      throw new ValidationError(
        'id must be 1 to 100 characters, without "/", control characters or spaces at either end',
        'id',
      );
    }
    const now = Date.now();
    const row: CampaignRow = {
      account_id: accountId,
      id,
      name: fields.name ?? null,
      text: this.text(fields.text),
      sender: this.sender(fields.from ?? null),
      connector: this.connector(fields.connector ?? null),
      created_at: now,
      updated_at: now,
    };
    if (!(await insertCampaign(this.store, row))) {
      throw new ConflictError(`Campaign ${id} exists already`, 'campaign_exists');
    }
    return row;
  }

  /** One of the account's campaigns; 404 `Campaign <id> was not found` otherwise. */
  async get(accountId: string, id: string): Promise<CampaignRow> {
    const row = await findCampaign(this.store, accountId, id);
    if (!row) throw new NotFoundError(`Campaign ${id}`);
    return row;
  }

  /** The campaigns of these accounts (all accounts' when undefined). */
  list(accountIds: readonly string[] | undefined): Promise<CampaignRow[]> {
    return listCampaigns(this.store, accountIds);
  }

  /** Changes the given fields; 404 when the account has no such campaign. */
  async update(accountId: string, id: string, fields: CampaignFields): Promise<CampaignRow> {
    const changes: CampaignChanges = { updated_at: Date.now() };
    if (fields.name !== undefined) changes.name = fields.name;
    if (fields.text !== undefined) changes.text = this.text(fields.text);
    if (fields.from !== undefined) changes.sender = this.sender(fields.from);
    if (fields.connector !== undefined) changes.connector = this.connector(fields.connector);
    const row = await updateCampaign(this.store, accountId, id, changes);
    if (!row) throw new NotFoundError(`Campaign ${id}`);
    return row;
  }

  /** Deletes one; 404 when there is none. Its interactions stay, for the report. */
  async delete(accountId: string, id: string): Promise<void> {
    if (!(await deleteCampaign(this.store, accountId, id))) throw new NotFoundError(`Campaign ${id}`);
  }

  private text(text: string): string {
    const characters = [...text].length;
    if (characters === 0) throw new ValidationError('text must not be empty', 'text');
    if (characters > this.config.maxTextLength) {
      throw new ValidationError(
        `text has ${characters} characters; at most ${this.config.maxTextLength} are allowed`,
        'text',
      );
    }
    return text;
  }

  private sender(from: string | null): string | null {
    return from === null ? null : parseSender(from, 'from', this.config.defaultRegion, 'possible').value;
  }

  private connector(name: string | null): string | null {
    if (name !== null && !this.connectorNames().includes(name)) {
      throw new ValidationError(`no connector named "${name}"`, 'connector', 'unknown_connector');
    }
    return name;
  }
}
