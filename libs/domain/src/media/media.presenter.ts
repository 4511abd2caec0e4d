import type { MediaInfo } from './media.repository.js';

export function presentMedia(m: MediaInfo) {
  return {
    object: 'media' as const,
    id: m.id,
    phone_number_id: m.phoneNumberId,
    direction: m.direction,
    meta_media_id: m.metaMediaId,
    mime_type: m.mimeType,
    file_size: m.fileSize,
    sha256: m.sha256,
    filename: m.filename,
    status: m.status,
    error: m.error,
    created_at: m.createdAt.toISOString(),
  };
}
