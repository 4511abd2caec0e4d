/** Where and as whom to call the Graph API: Meta (`https://graph.facebook.com`) or a sandbox base URL. */
export interface GraphCredentials {
  baseUrl: string;
  /** e.g. `v24.0`. */
  version: string;
  accessToken: string;
}

export interface SendMessageResult {
  wamid: string;
  /** `contacts[0].wa_id`; null when Meta did not return one. */
  waId: string | null;
  raw: unknown;
}

export interface GraphPhoneNumber {
  id: string;
  display_phone_number: string;
  verified_name: string;
  quality_rating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | string;
  code_verification_status?: string;
  name_status?: string;
  platform_type?: string;
  throughput?: { level: string };
  [field: string]: unknown;
}

export interface GraphTemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | string;
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | string;
  text?: string;
  example?: Record<string, unknown>;
  buttons?: { type: string; text: string; url?: string; phone_number?: string; example?: string[] | string; [k: string]: unknown }[];
  [k: string]: unknown;
}

export interface GraphTemplate {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | string;
  category: 'AUTHENTICATION' | 'MARKETING' | 'UTILITY' | string;
  parameter_format?: 'NAMED' | 'POSITIONAL';
  components: GraphTemplateComponent[];
  rejected_reason?: string;
  [k: string]: unknown;
}

export interface CreateTemplateResult {
  id: string;
  status: string;
  category: string;
}

export interface GraphMediaInfo {
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  id: string;
  messaging_product?: string;
}

export interface UploadMediaInput {
  data: Buffer;
  mimeType: string;
  filename: string;
}
