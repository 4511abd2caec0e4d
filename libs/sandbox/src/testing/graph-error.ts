import { GraphApiError } from '#whatsapp';

/** The GraphApiError a call failed with (fails the test if it succeeded or failed otherwise). */
export async function graphError(call: Promise<unknown>): Promise<GraphApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GraphApiError) return err;
    throw err;
  }
  throw new Error('Expected the Graph call to fail, but it succeeded');
}

/** A PNG / WebP / MP4 stand-in of the given size (content is not decoded by the sandbox). */
export function fakeFile(kind: 'png' | 'jpeg' | 'webp' | 'mp4' | 'pdf' | 'ogg', size = 256): Buffer {
  const magic: Record<string, string> = {
    png: '\x89PNG\r\n\x1a\n',
    jpeg: '\xff\xd8\xff\xe0',
    webp: 'RIFF\x00\x00\x00\x00WEBPVP8 ',
    mp4: '\x00\x00\x00\x18ftypmp42',
    pdf: '%PDF-1.4\n',
    ogg: 'OggS',
  };
  const head = Buffer.from(magic[kind], 'latin1');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 7)]);
}
