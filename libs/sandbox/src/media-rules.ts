/** WhatsApp's media limits (WHATSAPP.md, "Sending"). */
export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export const MEDIA_TYPES: readonly MediaType[] = ['image', 'video', 'audio', 'document', 'sticker'];

const MB = 1024 * 1024;
const KB = 1024;

export interface MediaRule {
  mimes: readonly string[];
  maxBytes: number;
  caption: boolean;
  filename: boolean;
}

export const DOCUMENT_MIMES = [
  'text/plain',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

export const MEDIA_RULES: Readonly<Record<MediaType, MediaRule>> = {
  image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB, caption: true, filename: false },
  video: { mimes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB, caption: true, filename: false },
  audio: { mimes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB, caption: false, filename: false },
  document: { mimes: DOCUMENT_MIMES, maxBytes: 100 * MB, caption: true, filename: true },
  // Animated stickers may be 500 KB, static ones 100 KB.
  sticker: { mimes: ['image/webp'], maxBytes: 500 * KB, caption: false, filename: false },
};

export const STATIC_STICKER_MAX_BYTES = 100 * KB;
export const MAX_UPLOAD_BYTES = 100 * MB;

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMime(mime: string): string {
  return mime.split(';')[0].trim().toLowerCase();
}

/** Which message type an uploaded MIME type can be sent as (webp is a sticker). */
export function mediaTypeOfMime(mime: string): MediaType | undefined {
  const m = baseMime(mime);
  return MEDIA_TYPES.find((t) => MEDIA_RULES[t].mimes.includes(m));
}

/** An animated WebP carries an ANIM chunk near its start. */
export function isAnimatedWebp(data: Buffer): boolean {
  return data.subarray(0, 64).includes('ANIM');
}
