import fs from 'node:fs';
import path from 'node:path';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { SandboxMedia, SandboxNumber, SandboxPersistedState, SandboxTemplate, SandboxWaba } from './sandbox-state.types.js';
import { SandboxSettings } from './sandbox-settings.js';

const MAX_INBOUND_IDS_PER_NUMBER = 20_000;

/**
 * The sandbox's durable state: numbers, WABAs, templates, media (metadata in the JSON state file, bytes beside it)
 * and customer-service windows. Writes are coalesced and atomic (temp file + rename).
 */
@Injectable()
export class SandboxStore implements OnModuleDestroy {
  private readonly logger = new Logger('SandboxStore');
  readonly numbers = new Map<string, SandboxNumber>();
  readonly wabas = new Map<string, SandboxWaba>();
  readonly templates = new Map<string, SandboxTemplate>();
  readonly media = new Map<string, SandboxMedia>();
  readonly windows = new Map<string, number>();
  private readonly mediaBytes = new Map<string, Buffer>();
  /** Inbound wamids per number (for mark-as-read); memory only. */
  private readonly inboundIds = new Map<string, Set<string>>();
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly file: string | null;

  constructor(settings: SandboxSettings) {
    this.file = settings.stateFile;
    this.load();
  }

  private get mediaDir(): string | null {
    return this.file ? `${this.file}.media` : null;
  }

  private load(): void {
    if (!this.file || !fs.existsSync(this.file)) return;
    const state = JSON.parse(fs.readFileSync(this.file, 'utf8')) as SandboxPersistedState;
    for (const n of state.numbers ?? []) this.numbers.set(n.phone_number_id, n);
    for (const w of state.wabas ?? []) this.wabas.set(w.id, w);
    for (const t of state.templates ?? []) this.templates.set(t.id, t);
    for (const m of state.media ?? []) this.media.set(m.id, m);
    for (const [k, v] of Object.entries(state.windows ?? {})) this.windows.set(k, v);
  }

  /** Schedules a write of the state file (coalescing bursts of changes). */
  save(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush();
    }, 20);
    this.saveTimer.unref();
  }

  flush(): void {
    if (!this.file) return;
    const state: SandboxPersistedState = {
      version: 1,
      numbers: [...this.numbers.values()],
      wabas: [...this.wabas.values()],
      templates: [...this.templates.values()],
      media: [...this.media.values()],
      windows: Object.fromEntries(this.windows),
    };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      this.logger.error(`Could not write the sandbox state file ${this.file}: ${String(err)}`);
    }
  }

  onModuleDestroy(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.flush();
    }
  }

  /** Whether an id is already used by any Graph object (they share one id space, as on Meta). */
  idTaken(id: string): boolean {
    return this.numbers.has(id) || this.wabas.has(id) || this.templates.has(id) || this.media.has(id);
  }

  numbersOfWaba(wabaId: string): SandboxNumber[] {
    return [...this.numbers.values()].filter((n) => n.waba_id === wabaId);
  }

  putMedia(record: SandboxMedia, data: Buffer): void {
    this.media.set(record.id, record);
    const dir = this.mediaDir;
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, record.id), data);
    } else {
      this.mediaBytes.set(record.id, data);
    }
    this.save();
  }

  mediaData(id: string): Buffer | undefined {
    const inMemory = this.mediaBytes.get(id);
    if (inMemory) return inMemory;
    const dir = this.mediaDir;
    if (!dir) return undefined;
    try {
      return fs.readFileSync(path.join(dir, id));
    } catch {
      return undefined;
    }
  }

  deleteMedia(id: string): void {
    this.media.delete(id);
    this.mediaBytes.delete(id);
    const dir = this.mediaDir;
    if (dir) fs.rmSync(path.join(dir, id), { force: true });
    this.save();
  }

  /** Opens or refreshes the customer's 24 h window from the time of their message. */
  touchWindow(phoneNumberId: string, waId: string, atMs: number): void {
    const key = `${phoneNumberId}:${waId}`;
    if ((this.windows.get(key) ?? 0) < atMs) this.windows.set(key, atMs);
    this.save();
  }

  lastInboundAt(phoneNumberId: string, waId: string): number | undefined {
    return this.windows.get(`${phoneNumberId}:${waId}`);
  }

  recordInboundId(phoneNumberId: string, wamid: string): void {
    let ids = this.inboundIds.get(phoneNumberId);
    if (!ids) this.inboundIds.set(phoneNumberId, (ids = new Set()));
    ids.add(wamid);
    if (ids.size > MAX_INBOUND_IDS_PER_NUMBER) ids.delete(ids.values().next().value as string);
  }

  isInboundId(phoneNumberId: string, wamid: string): boolean {
    return this.inboundIds.get(phoneNumberId)?.has(wamid) ?? false;
  }
}
