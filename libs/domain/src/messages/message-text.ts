/**
 * The searchable text of a message body (Message.body: full-text search and previews): the text, a caption, an
 * interactive body, a template name, a place, shared contacts' names, a reaction's emoji.
 */
export function searchableText(type: string, content: unknown): string | null {
  const c = (content ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const join = (...parts: unknown[]) => {
    const s = parts.filter((p) => typeof p === 'string' && p.trim() !== '').join(' ');
    return s === '' ? null : s;
  };
  switch (type) {
    case 'text':
      return join(c.body);
    case 'image':
    case 'video':
    case 'document':
      return join(c.caption, c.filename);
    case 'location':
      return join(c.name, c.address);
    case 'contacts':
      return Array.isArray(content) ? join(...content.map((k: any) => k?.name?.formatted_name)) : null; // eslint-disable-line @typescript-eslint/no-explicit-any
    case 'reaction':
      return join(c.emoji);
    case 'template':
      return join(c.name, ...templateTexts(c.components));
    case 'interactive':
      return join(c.header?.text, c.body?.text, c.footer?.text, c.button_reply?.title, c.list_reply?.title, c.list_reply?.description, c.nfm_reply?.body);
    case 'button':
      return join(c.text);
    default:
      return null;
  }
}

function templateTexts(components: unknown): string[] {
  if (!Array.isArray(components)) return [];
  return components.flatMap((comp: { parameters?: { type?: string; text?: string }[] }) =>
    (comp?.parameters ?? []).filter((p) => p?.type === 'text' && typeof p.text === 'string').map((p) => p.text!),
  );
}

/** A short line for conversation lists. */
export function previewOf(type: string, content: unknown): string {
  const text = searchableText(type, content);
  const label = type === 'template' ? `[template] ${(content as { name?: string })?.name ?? ''}`.trim() : `[${type}]`;
  const line = type === 'text' ? (text ?? '') : text && type !== 'template' ? `${label} ${text}` : label;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
