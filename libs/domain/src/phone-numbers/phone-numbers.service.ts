import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import { PrismaService, type PhoneNumber } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { SandboxAdminClient } from '#sandbox';
import { GraphClient, type GraphCredentials, type GraphPhoneNumber } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { isId, newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { normalizePhone } from '../common/phone.js';
import { SecretBox } from '../common/secret-box.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { ConnectPhoneNumberDto } from './dto/connect-phone-number.dto.js';
import type { ListPhoneNumbersDto } from './dto/list-phone-numbers.dto.js';
import type { UpdatePhoneNumberDto } from './dto/update-phone-number.dto.js';
import { graphFailure } from './graph-failure.js';
import { MetaNumberTakenError } from './meta-number-taken.error.js';
import { PhoneNumbersRepository, type PhoneNumberChanges } from './phone-numbers.repository.js';
import { describeSandboxError } from './sandbox-error.js';

/** Meta's throughput levels: STANDARD is 80 messages/s, HIGH the automatic upgrade to 1,000/s. */
const THROUGHPUT_BY_LEVEL: Record<string, number> = { STANDARD: 80, HIGH: 1000 };
const DEFAULT_THROUGHPUT = 80;

/** Encryption contexts: a token sealed for one row and column cannot be replayed into another. */
const tokenContext = (id: string) => `${id}:access_token`;
const appSecretContext = (id: string) => `${id}:app_secret`;

interface Credentials {
  metaPhoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret?: string;
  isSandbox: boolean;
}

/**
 * WhatsApp numbers of an organization: connecting (verified with the Graph API and subscribed to the WABA's
 * webhooks), credentials encrypted at rest, pause/resume, and the lookups every other feature uses to pick a
 * number (`resolve`) and to talk to Meta as it (`credentialsFor`).
 */
@Injectable()
export class PhoneNumbersService {
  private readonly logger = new Logger('PhoneNumbers');

  constructor(
    private readonly repo: PhoneNumbersRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
    private readonly graph: GraphClient,
    private readonly queue: QueueProducer,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
  ) {}

  async connect(ctx: TenantContext, input: ConnectPhoneNumberDto): Promise<PhoneNumber> {
    const creds = input.sandbox ? await this.provisionSandbox(input) : this.liveCredentials(ctx, input);
    if (!creds.isSandbox) await this.assertUnderPlanLimit(ctx);

    const graphCreds = this.graphCredentials(creds.isSandbox, creds.accessToken);
    const info = await this.verify(graphCreds, creds.metaPhoneNumberId);
    await this.assertInWaba(graphCreds, creds.metaPhoneNumberId, creds.wabaId);
    try {
      await this.graph.subscribeApp(graphCreds, creds.wabaId);
    } catch (err) {
      throw graphFailure(err, 'meta_verification_failed', `Subscribing to the webhooks of WABA ${creds.wabaId} failed`);
    }

    const row = await this.prisma.transaction(async () => {
      // Checked after Meta accepted the credentials, so only a holder of a valid token learns a number is taken.
      const holder = await this.repo.findByMetaIdForSystem(creds.metaPhoneNumberId);
      if (holder) throw this.alreadyConnected(ctx, holder);
      const former = await this.repo.findByMetaId(ctx.organizationId, creds.metaPhoneNumberId);
      const previous = former && former.isSandbox === creds.isSandbox ? former : null;
      const id = previous?.id ?? newId('phoneNumber');
      const fields = {
        wabaId: creds.wabaId,
        ...this.fromGraph(info),
        throughputPerSecond: input.throughput_per_second ?? THROUGHPUT_BY_LEVEL[info.throughput?.level ?? ''] ?? DEFAULT_THROUGHPUT,
        accessTokenEnc: this.secrets.encrypt(creds.accessToken, tokenContext(id)),
        appSecretEnc: creds.appSecret ? this.secrets.encrypt(creds.appSecret, appSecretContext(id)) : null,
      };
      let saved: PhoneNumber | null;
      try {
        saved = previous
          ? await this.repo.reconnect(ctx.organizationId, id, {
              ...fields,
              status: 'active',
              pausedReason: null,
              connectedMetaId: creds.metaPhoneNumberId,
              disconnectedAt: null,
            })
          : await this.repo.insert(ctx.organizationId, { id, metaPhoneNumberId: creds.metaPhoneNumberId, isSandbox: creds.isSandbox, ...fields });
      } catch (err) {
        if (err instanceof MetaNumberTakenError) throw new AppError('phone_number_already_connected');
        throw err;
      }
      if (!saved) throw new AppError('phone_number_already_connected');
      await this.audit.record(ctx, {
        action: 'phone_number.connected',
        targetType: 'phone_number',
        targetId: saved.id,
        metadata: { phone_number_id: saved.metaPhoneNumberId, waba_id: saved.wabaId, sandbox: saved.isSandbox, reconnected: !!previous },
      });
      return saved;
    });

    await this.enqueueTemplateSync(row);
    return row;
  }

  async list(ctx: TenantContext, q: ListPhoneNumbersDto): Promise<ListResult<PhoneNumber>> {
    const cursor = decodeCursor(q.cursor);
    const limit = q.limit ?? 20;
    const rows = await this.repo.list(ctx.organizationId, { status: q.status, afterId: cursor?.[0] as string | undefined, limit });
    return toPage(rows, limit, (r) => [r.id]);
  }

  /** One number by our id or Meta's numeric id, in any status. */
  async get(ctx: TenantContext, idOrMetaId: string): Promise<PhoneNumber> {
    const row = await this.find(ctx.organizationId, idOrMetaId);
    if (!row) throw notFound(idOrMetaId);
    return row;
  }

  /**
   * The number a request acts on. `idOrMetaId` may be our `pn_…` id or Meta's numeric id; omitted, it is the
   * organization's only connected number. Test keys (kdv_test_) may only act on sandbox numbers, and without an id
   * they only see those. The status is not checked here: `assertSendable` does that for sends.
   */
  async resolve(ctx: TenantContext, idOrMetaId?: string): Promise<PhoneNumber> {
    let row: PhoneNumber | null;
    if (idOrMetaId === undefined || idOrMetaId === '') {
      const connected = (await this.repo.listConnected(ctx.organizationId)).filter((r) => ctx.keyMode !== 'test' || r.isSandbox);
      if (connected.length === 0) throw new AppError('no_phone_number', undefined, { param: 'phone_number_id' });
      if (connected.length > 1) throw new AppError('phone_number_required', undefined, { param: 'phone_number_id' });
      row = connected[0];
    } else {
      row = await this.find(ctx.organizationId, idOrMetaId);
      if (!row) throw notFound(idOrMetaId);
    }
    this.assertKeyMayUse(ctx, row);
    return row;
  }

  /** For senders: a paused or disconnected number cannot send. */
  assertSendable(row: PhoneNumber): void {
    if (row.status === 'paused')
      throw new AppError('phone_number_paused', `Sends from ${row.id} are paused: ${row.pausedReason ?? 'no reason recorded'}.`, {
        param: 'phone_number_id',
      });
    if (row.status !== 'active') throw new AppError('invalid_state', `Phone number ${row.id} is ${row.status}.`, { param: 'phone_number_id' });
  }

  async update(ctx: TenantContext, idOrMetaId: string, input: UpdatePhoneNumberDto): Promise<PhoneNumber> {
    const row = await this.resolve(ctx, idOrMetaId);
    if (row.status === 'disconnected')
      throw new AppError('invalid_state', `Phone number ${row.id} is disconnected; connect it again with POST /v1/phone_numbers.`);
    if (input.access_token === undefined && input.throughput_per_second === undefined && input.app_secret === undefined)
      throw AppError.validation('body', 'Give at least one of access_token, throughput_per_second, app_secret.');
    if (row.isSandbox && input.app_secret != null)
      throw AppError.validation('app_secret', "Sandbox numbers' webhooks are signed with the platform's secret.");

    const changes: PhoneNumberChanges = {};
    let resumed = false;
    if (input.access_token !== undefined) {
      const info = await this.verify(this.graphCredentials(row.isSandbox, input.access_token), row.metaPhoneNumberId);
      Object.assign(changes, this.fromGraph(info), { accessTokenEnc: this.secrets.encrypt(input.access_token, tokenContext(row.id)) });
      if (row.status === 'paused') {
        Object.assign(changes, { status: 'active', pausedReason: null });
        resumed = true;
      }
    }
    if (input.throughput_per_second !== undefined) changes.throughputPerSecond = input.throughput_per_second;
    if (input.app_secret !== undefined)
      changes.appSecretEnc = input.app_secret === null ? null : this.secrets.encrypt(input.app_secret, appSecretContext(row.id));

    return this.prisma.transaction(async () => {
      const updated = await this.repo.update(ctx.organizationId, row.id, changes);
      if (!updated) throw notFound(idOrMetaId);
      await this.audit.record(ctx, {
        action: 'phone_number.updated',
        targetType: 'phone_number',
        targetId: row.id,
        metadata: { fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined), resumed },
      });
      return updated;
    });
  }

  /** Disconnects: no more sends or webhooks for it here, and the Meta number may be connected again (by anyone). */
  async disconnect(ctx: TenantContext, idOrMetaId: string): Promise<PhoneNumber> {
    const row = await this.resolve(ctx, idOrMetaId);
    if (row.status === 'disconnected') return row;
    return this.prisma.transaction(async () => {
      const updated = await this.repo.update(ctx.organizationId, row.id, {
        status: 'disconnected',
        connectedMetaId: null,
        pausedReason: null,
        disconnectedAt: new Date(),
      });
      if (!updated) throw notFound(idOrMetaId);
      await this.audit.record(ctx, {
        action: 'phone_number.disconnected',
        targetType: 'phone_number',
        targetId: row.id,
        metadata: { phone_number_id: row.metaPhoneNumberId },
      });
      return updated;
    });
  }

  /**
   * Stops sends from a number whose credentials Meta refused (error 190 and friends). System operation, called by
   * the delivery worker; true when this call paused it (false if it was already paused or is disconnected).
   */
  async pause(organizationId: string, id: string, reason: string): Promise<boolean> {
    return this.prisma.transaction(async () => {
      const paused = await this.repo.updateIfStatus(organizationId, id, ['active'], { status: 'paused', pausedReason: reason.slice(0, 500) });
      if (paused)
        await this.audit.record(systemContext(organizationId), { action: 'phone_number.paused', targetType: 'phone_number', targetId: id, metadata: { reason } });
      return paused;
    });
  }

  /** Where and as whom to call the Graph API for this number (the sandbox for sandbox numbers). */
  credentialsFor(row: PhoneNumber): GraphCredentials {
    return this.graphCredentials(row.isSandbox, this.secrets.decrypt(row.accessTokenEnc, tokenContext(row.id)));
  }

  /** Webhook ingest: the connected number Meta names in `metadata.phone_number_id`, whoever owns it. */
  findByMetaId(metaPhoneNumberId: string): Promise<PhoneNumber | null> {
    return this.repo.findByMetaIdForSystem(metaPhoneNumberId);
  }

  /** The secret that signs webhooks about this number: its own app's secret if it has one, else the platform's. */
  async webhookSecretFor(metaPhoneNumberId: string): Promise<string> {
    const row = await this.repo.findByMetaIdForSystem(metaPhoneNumberId);
    return row?.appSecretEnc ? this.secrets.decrypt(row.appSecretEnc, appSecretContext(row.id)) : this.config.metaAppSecret;
  }

  /**
   * The own app secrets of the numbers connected on a WABA: whose app may sign a webhook that names only the WABA
   * (template status updates). Empty when they all use the platform's app.
   */
  async webhookSecretsForWaba(wabaId: string): Promise<string[]> {
    const rows = await this.repo.listConnectedByWabaForSystem(wabaId);
    return [...new Set(rows.filter((r) => r.appSecretEnc).map((r) => this.secrets.decrypt(r.appSecretEnc!, appSecretContext(r.id))))];
  }

  /** Organizations' connected numbers on a WABA (template status webhooks name only the WABA). */
  listConnectedByWabaForSystem(wabaId: string): Promise<PhoneNumber[]> {
    return this.repo.listConnectedByWabaForSystem(wabaId);
  }

  /** The organization's connected numbers on these WABAs (templates belong to a WABA, not to one number). */
  listConnectedByWaba(organizationId: string, wabaIds: string[]): Promise<PhoneNumber[]> {
    return wabaIds.length ? this.repo.listConnectedByWaba(organizationId, wabaIds) : Promise.resolve([]);
  }

  listConnected(organizationId: string): Promise<PhoneNumber[]> {
    return this.repo.listConnected(organizationId);
  }

  /** The sandbox's admin API (provisioning, inbound injection) for sandbox numbers. */
  sandboxAdmin(): SandboxAdminClient {
    return new SandboxAdminClient(this.config.sandboxGraphUrl);
  }

  private find(organizationId: string, idOrMetaId: string): Promise<PhoneNumber | null> {
    if (isId('phoneNumber', idOrMetaId)) return this.repo.findById(organizationId, idOrMetaId);
    if (/^\d{1,32}$/.test(idOrMetaId)) return this.repo.findByMetaId(organizationId, idOrMetaId);
    return Promise.resolve(null);
  }

  private assertKeyMayUse(ctx: TenantContext, row: PhoneNumber): void {
    if (ctx.keyMode === 'test' && !row.isSandbox) throw new AppError('test_key_live_number', undefined, { param: 'phone_number_id' });
  }

  private liveCredentials(ctx: TenantContext, input: ConnectPhoneNumberDto): Credentials {
    if (ctx.keyMode === 'test') throw new AppError('test_key_live_number', 'Test keys (kdv_test_) may only connect sandbox numbers: send { "sandbox": true }.');
    return {
      metaPhoneNumberId: input.phone_number_id!,
      wabaId: input.waba_id!,
      accessToken: input.access_token!,
      appSecret: input.app_secret,
      isSandbox: false,
    };
  }

  private async provisionSandbox(input: ConnectPhoneNumberDto): Promise<Credentials> {
    for (const field of ['phone_number_id', 'waba_id', 'access_token', 'app_secret'] as const)
      if (input[field] !== undefined) throw AppError.validation(field, `${field} is not allowed with sandbox: true (the sandbox issues its own).`);
    const display = input.display_phone_number === undefined ? undefined : normalizePhone(input.display_phone_number, 'display_phone_number');
    let provisioned: Awaited<ReturnType<SandboxAdminClient['provisionNumber']>>;
    try {
      provisioned = await this.sandboxAdmin().provisionNumber({
        ...(display ? { display_phone_number: display.slice(1) } : {}),
        ...(input.verified_name ? { verified_name: input.verified_name } : {}),
        ...(input.throughput_per_second ? { throughput_per_second: input.throughput_per_second } : {}),
      });
    } catch (err) {
      const { status, message } = describeSandboxError(err);
      if (status === 400) throw AppError.validation('body', `The sandbox refused the number: ${message}`);
      if (status === 409) throw new AppError('already_exists', `The sandbox refused the number: ${message}`, { param: 'display_phone_number' });
      this.logger.warn({ err: message }, 'sandbox provisioning failed');
      throw new AppError('upstream_unavailable', `The sandbox at ${this.config.sandboxGraphUrl} could not provision a number: ${message}`);
    }
    return { metaPhoneNumberId: provisioned.phone_number_id, wabaId: provisioned.waba_id, accessToken: provisioned.access_token, isSandbox: true };
  }

  private async assertUnderPlanLimit(ctx: TenantContext): Promise<void> {
    const { limits } = await this.organizations.get(ctx);
    const live = (await this.repo.listConnected(ctx.organizationId)).filter((r) => !r.isSandbox).length;
    if (live >= limits.phoneNumbers)
      throw new AppError('phone_number_limit_reached', `The plan allows ${limits.phoneNumbers} connected WhatsApp numbers (sandbox numbers do not count).`);
  }

  private async verify(creds: GraphCredentials, metaPhoneNumberId: string): Promise<GraphPhoneNumber> {
    try {
      return await this.graph.getPhoneNumber(creds, metaPhoneNumberId);
    } catch (err) {
      throw graphFailure(err, 'meta_verification_failed', `Meta refused phone number ${metaPhoneNumberId}`);
    }
  }

  /** A wrong waba_id would sync another account's templates and subscribe the wrong webhooks. */
  private async assertInWaba(creds: GraphCredentials, metaPhoneNumberId: string, wabaId: string): Promise<void> {
    let numbers: GraphPhoneNumber[];
    try {
      numbers = await this.graph.listPhoneNumbers(creds, wabaId);
    } catch (err) {
      throw graphFailure(err, 'meta_verification_failed', `Meta refused WABA ${wabaId}`);
    }
    if (!numbers.some((n) => String(n.id) === metaPhoneNumberId))
      throw new AppError('meta_verification_failed', `Phone number ${metaPhoneNumberId} does not belong to WABA ${wabaId}.`, { param: 'waba_id' });
  }

  private fromGraph(info: GraphPhoneNumber): { displayPhoneNumber: string; verifiedName: string | null; qualityRating: string } {
    return {
      displayPhoneNumber: toE164(info.display_phone_number),
      verifiedName: info.verified_name || null,
      qualityRating: info.quality_rating || 'UNKNOWN',
    };
  }

  private graphCredentials(isSandbox: boolean, accessToken: string): GraphCredentials {
    return { baseUrl: isSandbox ? this.config.sandboxGraphUrl : this.config.metaGraphUrl, version: this.config.metaGraphVersion, accessToken };
  }

  private alreadyConnected(ctx: TenantContext, holder: PhoneNumber): AppError {
    // Only the owner learns which of its numbers it is; another organization learns nothing beyond "taken".
    if (holder.organizationId === ctx.organizationId)
      return new AppError('phone_number_already_connected', `This number is already connected as ${holder.id}; update its token with PATCH /v1/phone_numbers/${holder.id}.`);
    return new AppError('phone_number_already_connected');
  }

  private async enqueueTemplateSync(row: PhoneNumber): Promise<void> {
    try {
      await this.queue.enqueue(QUEUES.templateSync, { phoneNumberId: row.id, organizationId: row.organizationId }, { jobId: `sync-${row.id}` });
    } catch (err) {
      // The number is connected; templates can still be synced on demand (POST /v1/templates/sync).
      this.logger.warn({ err: String(err), phoneNumberId: row.id }, 'could not enqueue the template sync');
    }
  }
}

function notFound(idOrMetaId: string): AppError {
  return new AppError('not_found', `No phone number with id ${idOrMetaId}.`, { param: 'phone_number_id' });
}

function toE164(display: string | undefined): string {
  if (!display) return '';
  try {
    return normalizePhone(display, 'display_phone_number');
  } catch {
    return display;
  }
}
