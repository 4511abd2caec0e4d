import { AppError } from '../common/app-error.js';

/** WhatsApp's media types and limits (WHATSAPP.md, "Sending"). */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const KB = 1024;
const MB = 1024 * KB;

const RULES: readonly { kind: MediaKind; mimes: readonly string[]; maxBytes: number }[] = [
  { kind: 'image', mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  { kind: 'video', mimes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
  { kind: 'audio', mimes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  // Animated stickers may be 500 KB, static ones 100 KB; Meta enforces the finer rule at send time.
  { kind: 'sticker', mimes: ['image/webp'], maxBytes: 500 * KB },
  {
    kind: 'document',
    mimes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
];

/** The hard cap of the multipart parser: the largest any type allows. */
export const MAX_MEDIA_BYTES = 100 * MB;

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  aac: 'audio/aac',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  txt: 'text/plain',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMime(mime: string): string {
  return mime.split(';')[0].trim().toLowerCase();
}

/**
 * The MIME type to upload as: the part's declared type, or (for generic declarations such as
 * application/octet-stream, which curl and browsers send for unknown files) the one its extension implies.
 */
export function effectiveMime(declared: string | undefined, filename: string | undefined): string {
  const base = declared ? baseMime(declared) : '';
  if (base && base !== 'application/octet-stream') return base;
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return (ext && BY_EXTENSION[ext]) || base || 'application/octet-stream';
}

/** Which WhatsApp media kind a file is, refusing unsupported types (400) and files over the kind's limit (413). */
export function checkMedia(mime: string, size: number): MediaKind {
  const rule = RULES.find((r) => r.mimes.includes(baseMime(mime)));
  if (!rule)
    throw new AppError('validation_failed', `WhatsApp does not accept ${mime} files. Supported: ${RULES.map((r) => `${r.kind} (${r.mimes.join(', ')})`).join('; ')}.`, {
      param: 'file',
    });
  if (size === 0) throw new AppError('validation_failed', 'The file is empty.', { param: 'file' });
  if (size > rule.maxBytes)
    throw new AppError('payload_too_large', `A ${rule.kind} (${mime}) may be at most ${formatBytes(rule.maxBytes)}; this file is ${formatBytes(size)}.`, {
      param: 'file',
    });
  return rule.kind;
}

function formatBytes(n: number): string {
  return n >= MB ? `${+(n / MB).toFixed(1)} MB` : `${Math.ceil(n / KB)} KB`;
}
