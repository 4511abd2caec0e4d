import { AppError } from '../common/app-error.js';
import { checkMedia, effectiveMime } from './media-rules.js';

const KB = 1024;
const MB = 1024 * KB;

function refusal(mime: string, size: number): { code: string; status: number } | 'ok' {
  try {
    checkMedia(mime, size);
    return 'ok';
  } catch (err) {
    return { code: (err as AppError).code, status: (err as AppError).status };
  }
}

describe('checkMedia', () => {
  it.each([
    ['image/jpeg', 5 * MB, 'image'],
    ['image/png', 5 * MB, 'image'],
    ['video/mp4', 16 * MB, 'video'],
    ['video/3gpp', 16 * MB, 'video'],
    ['audio/ogg; codecs=opus', 16 * MB, 'audio'],
    ['audio/mpeg', 16 * MB, 'audio'],
    ['image/webp', 500 * KB, 'sticker'],
    ['application/pdf', 100 * MB, 'document'],
  ])('%s up to its limit is a %s', (mime, max, kind) => {
    expect(checkMedia(mime, max)).toBe(kind);
    expect(refusal(mime, max + 1)).toEqual({ code: 'payload_too_large', status: 413 });
  });

  it('refuses types WhatsApp does not take, and empty files, with 400', () => {
    expect(refusal('image/gif', 10)).toEqual({ code: 'validation_failed', status: 400 });
    expect(refusal('application/zip', 10)).toEqual({ code: 'validation_failed', status: 400 });
    expect(refusal('image/png', 0)).toEqual({ code: 'validation_failed', status: 400 });
  });
});

describe('effectiveMime', () => {
  it('keeps a specific declared type, without parameters', () => {
    expect(effectiveMime('Image/PNG', 'x.jpg')).toBe('image/png');
    expect(effectiveMime('audio/ogg; codecs=opus', undefined)).toBe('audio/ogg');
  });

  it('falls back on the extension for generic declarations', () => {
    expect(effectiveMime('application/octet-stream', 'invoice.PDF')).toBe('application/pdf');
    expect(effectiveMime(undefined, 'voice.opus')).toBe('audio/ogg');
    expect(effectiveMime('application/octet-stream', 'blob')).toBe('application/octet-stream');
  });
});
