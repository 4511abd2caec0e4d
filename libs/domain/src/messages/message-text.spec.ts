import { previewOf, searchableText } from './message-text.js';

describe('message text', () => {
  it('extracts the searchable text of each type', () => {
    expect(searchableText('text', { body: 'halo kak' })).toBe('halo kak');
    expect(searchableText('image', { id: '1', caption: 'receipt' })).toBe('receipt');
    expect(searchableText('image', { id: '1' })).toBeNull();
    expect(searchableText('document', { link: 'https://x/y.pdf', caption: 'invoice', filename: 'inv.pdf' })).toBe('invoice inv.pdf');
    expect(searchableText('location', { latitude: 1, longitude: 2, name: 'Monas', address: 'Jakarta' })).toBe('Monas Jakarta');
    expect(searchableText('contacts', [{ name: { formatted_name: 'Budi' } }, { name: { formatted_name: 'Sari' } }])).toBe('Budi Sari');
    expect(searchableText('reaction', { message_id: 'wamid.x', emoji: '👍' })).toBe('👍');
    expect(searchableText('template', { name: 'order_update', components: [{ type: 'body', parameters: [{ type: 'text', text: 'INV-9' }] }] })).toBe(
      'order_update INV-9',
    );
    expect(searchableText('interactive', { type: 'button', body: { text: 'Pick one' } })).toBe('Pick one');
    expect(searchableText('interactive', { type: 'button_reply', button_reply: { id: 'y', title: 'Yes' } })).toBe('Yes');
    expect(searchableText('button', { payload: 'p', text: 'Stop promotions' })).toBe('Stop promotions');
    expect(searchableText('sticker', { id: '1' })).toBeNull();
  });

  it('builds short previews', () => {
    expect(previewOf('text', { body: 'hello' })).toBe('hello');
    expect(previewOf('image', { id: '1', caption: 'receipt' })).toBe('[image] receipt');
    expect(previewOf('sticker', { id: '1' })).toBe('[sticker]');
    expect(previewOf('template', { name: 'order_update' })).toBe('[template] order_update');
    const long = previewOf('text', { body: 'x'.repeat(500) });
    expect(long.length).toBe(120);
    expect(long.endsWith('…')).toBe(true);
  });
});
