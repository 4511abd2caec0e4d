import type { GraphTemplateComponent } from '#whatsapp';

export interface SandboxNumber {
  phone_number_id: string;
  waba_id: string;
  access_token: string;
  /** Tokens replaced by /_sandbox/phone_numbers/:id/expire_token: answered with 190/463. */
  expired_tokens: string[];
  /** Digits only. */
  display_phone_number: string;
  verified_name: string;
  quality_rating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  throughput_per_second: number;
  pair_rate_burst: number;
  pair_rate_interval_ms: number;
  app_secret?: string;
  webhook_url?: string;
  created_at: string;
}

export interface SandboxWaba {
  id: string;
  name: string;
  currency: string;
  timezone_id: string;
  message_template_namespace: string;
  subscribed: boolean;
}

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL';

export interface SandboxTemplate {
  id: string;
  waba_id: string;
  name: string;
  language: string;
  status: TemplateStatus;
  category: 'AUTHENTICATION' | 'MARKETING' | 'UTILITY';
  parameter_format: 'NAMED' | 'POSITIONAL';
  components: GraphTemplateComponent[];
  rejected_reason?: string;
  /** Created through the Graph API: reviewed automatically after a short delay. */
  auto_review?: boolean;
  created_at: string;
}

export interface SandboxMedia {
  id: string;
  phone_number_id: string;
  waba_id: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  filename?: string;
  animated?: boolean;
  origin: 'upload' | 'inbound';
  created_at: string;
}

export interface SandboxPersistedState {
  version: 1;
  numbers: SandboxNumber[];
  wabas: SandboxWaba[];
  templates: SandboxTemplate[];
  media: SandboxMedia[];
  /** `${phone_number_id}:${wa_id}` → ms of the customer's last inbound message. */
  windows: Record<string, number>;
}
