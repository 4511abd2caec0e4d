import { Injectable } from '@nestjs/common';

/** One accepted send (HTTP 200 with a wamid). */
export interface LedgerEntry {
  wamid: string;
  phone_number_id: string;
  to: string;
  type: string;
  biz_opaque_callback_data: string | null;
  accepted_at: string;
  body: unknown;
  /** Set when the send was accepted but then failed asynchronously. */
  async_error_code?: number;
}

export interface LedgerQuery {
  phone_number_id?: string;
  biz_opaque_callback_data?: string;
  to?: string;
}

export interface LedgerCounts {
  /** Accepted sends matching the query. */
  total: number;
  /** Distinct biz_opaque_callback_data values among them. */
  distinct_biz_opaque_callback_data: number;
  /** Accepted sends without biz_opaque_callback_data. */
  without_biz_opaque_callback_data: number;
  /** Values accepted more than once (duplicate sends). */
  duplicates: { biz_opaque_callback_data: string; count: number; wamids: string[] }[];
  /** Sends refused synchronously (any phone number). */
  rejected: number;
}

const MAX_ENTRIES = 200_000;

@Injectable()
export class SandboxLedger {
  private entries: LedgerEntry[] = [];
  private readonly byWamid = new Map<string, LedgerEntry>();
  private rejected = 0;

  record(entry: LedgerEntry): void {
    this.entries.push(entry);
    this.byWamid.set(entry.wamid, entry);
    if (this.entries.length > MAX_ENTRIES) {
      const dropped = this.entries.splice(0, this.entries.length - MAX_ENTRIES);
      for (const d of dropped) this.byWamid.delete(d.wamid);
    }
  }

  markAsyncFailure(wamid: string, code: number): void {
    const e = this.byWamid.get(wamid);
    if (e) e.async_error_code = code;
  }

  countRejected(): void {
    this.rejected++;
  }

  get(wamid: string): LedgerEntry | undefined {
    return this.byWamid.get(wamid);
  }

  query(q: LedgerQuery): { data: LedgerEntry[]; counts: LedgerCounts } {
    const data = this.entries.filter(
      (e) =>
        (!q.phone_number_id || e.phone_number_id === q.phone_number_id) &&
        (q.biz_opaque_callback_data === undefined || e.biz_opaque_callback_data === q.biz_opaque_callback_data) &&
        (!q.to || e.to === q.to),
    );
    const groups = new Map<string, string[]>();
    let without = 0;
    for (const e of data) {
      if (e.biz_opaque_callback_data === null) {
        without++;
        continue;
      }
      const g = groups.get(e.biz_opaque_callback_data);
      if (g) g.push(e.wamid);
      else groups.set(e.biz_opaque_callback_data, [e.wamid]);
    }
    const duplicates = [...groups]
      .filter(([, wamids]) => wamids.length > 1)
      .map(([biz_opaque_callback_data, wamids]) => ({ biz_opaque_callback_data, count: wamids.length, wamids }));
    return {
      data,
      counts: { total: data.length, distinct_biz_opaque_callback_data: groups.size, without_biz_opaque_callback_data: without, duplicates, rejected: this.rejected },
    };
  }

  clear(): void {
    this.entries = [];
    this.byWamid.clear();
    this.rejected = 0;
  }
}
