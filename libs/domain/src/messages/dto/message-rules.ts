import { registerDecorator, validateSync, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { VALIDATION_OPTIONS } from '../../common/validation.js';

/** Every message type and the body field that carries it (the Cloud API names them the same). */
export const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'reaction', 'template', 'interactive'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

type Rule = (value: unknown, args: ValidationArguments) => string | undefined;

/**
 * A class-validator decorator from a function returning the problem (a message naming the field) or undefined.
 * Cross-field rules run only once the object's own fields are valid, so the error names the precise field
 * (`interactive.body.text`) instead of a derived rule about it.
 */
function rule(name: string, check: Rule, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    const problems = new WeakMap<object, string>();
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          if (value && typeof value === 'object' && value.constructor !== Object && validateSync(value, VALIDATION_OPTIONS).length > 0) return true;
          const problem = check(value, args);
          if (problem && args.object) problems.set(args.object, problem);
          return problem === undefined;
        },
        defaultMessage: (args?: ValidationArguments) => (args?.object && problems.get(args.object)) || `${args?.property ?? name} is invalid`,
      },
    });
  };
}

/** The envelope carries the body of its `type` and no other type's body. */
export function OnlyTheTypeBody(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'onlyTheTypeBody',
    (type, args) => {
      const o = args.object as Record<string, unknown>;
      const others = MESSAGE_TYPES.filter((t) => t !== type && o[t] !== undefined);
      if (others.length) return `type is ${String(type)}, so the body must not carry ${others.join(', ')}: send only the ${String(type)} object`;
      return undefined;
    },
    options,
  );
}

/** A fallback template stands in for the types the 24 h window blocks; a template needs none, a reaction has none. */
export function FallbackForFreeForm(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'fallbackForFreeForm',
    (_v, args) => {
      const type = (args.object as { type?: unknown }).type;
      if (type === 'template') return `${args.property} is only for free-form types: a template is delivered outside the 24-hour window anyway`;
      if (type === 'reaction') return `${args.property} is not allowed on reactions (a template cannot stand in for a reaction)`;
      return undefined;
    },
    options,
  );
}

/** A media object names its file either by id or by link, never both. */
export function MediaSource(options?: ValidationOptions): PropertyDecorator {
  return rule('mediaSource', (v, args) => mediaSourceProblem(v, args.property), options);
}

export function mediaSourceProblem(v: unknown, path: string): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const m = v as { id?: unknown; link?: unknown };
  if ((m.id === undefined) === (m.link === undefined)) return `${path} needs exactly one of id or link`;
  return undefined;
}

/** A shared contact's name needs at least one part besides formatted_name (Meta refuses it otherwise: 131008). */
export function ContactNameParts(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'contactNameParts',
    (v, args) => {
      if (!v || typeof v !== 'object') return undefined;
      const n = v as Record<string, unknown>;
      const parts = ['first_name', 'last_name', 'middle_name', 'suffix', 'prefix'];
      return parts.some((p) => typeof n[p] === 'string' && n[p] !== '')
        ? undefined
        : `${args.property} needs at least one of ${parts.join(', ')} besides formatted_name`;
    },
    options,
  );
}

/** Interactive messages: which parts each type needs, and the limits that span several fields. */
export function InteractiveRules(options?: ValidationOptions): PropertyDecorator {
  return rule('interactiveRules', (v, args) => interactiveProblem(v, args.property), options);
}

interface InteractiveShape {
  type?: string;
  header?: { type?: string; text?: string; image?: unknown; video?: unknown; document?: unknown };
  body?: { text?: string };
  footer?: { text?: string };
  action?: {
    buttons?: { reply?: { id?: string; title?: string } }[];
    button?: string;
    sections?: { title?: string; rows?: { id?: string }[] }[];
    name?: string;
    parameters?: unknown;
    cards?: { card_index?: number; header?: { type?: string; image?: unknown; video?: unknown }; body?: { text?: string } }[];
  };
}

const ACTION_FIELDS: Record<string, string[]> = {
  button: ['buttons'],
  list: ['button', 'sections'],
  cta_url: ['name', 'parameters'],
  carousel: ['cards'],
};

export function interactiveProblem(value: unknown, path = 'interactive'): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const i = value as InteractiveShape;
  const type = i.type ?? '';
  if (!(type in ACTION_FIELDS)) return undefined; // @IsIn reports it
  const action = (i.action ?? {}) as Record<string, unknown>;
  const a = `${path}.action`;

  for (const field of ACTION_FIELDS[type]) if (action[field] === undefined) return `${a}.${field} is required for ${type} messages`;
  const foreign = Object.keys(ACTION_FIELDS)
    .filter((t) => t !== type)
    .flatMap((t) => ACTION_FIELDS[t])
    .filter((f) => !ACTION_FIELDS[type].includes(f) && action[f] !== undefined);
  if (foreign.length) return `${a}.${foreign[0]} is not allowed in ${type} messages`;

  if (!i.body?.text) return `${path}.body.text is required`;
  const bodyMax = type === 'list' ? 4096 : 1024;
  if (i.body.text.length > bodyMax) return `${path}.body.text must be at most ${bodyMax} characters for ${type} messages`;

  if (i.header) {
    const h = i.header;
    const hp = `${path}.header`;
    if (type === 'carousel') return `${hp} is not allowed in carousel messages (each card has its own)`;
    if (type === 'list' && h.type !== 'text') return `${hp}.type must be text for list messages`;
    if (h.type === 'text' && !h.text) return `${hp}.text is required when header.type is text`;
    const mediaFields = ['image', 'video', 'document'] as const;
    for (const f of mediaFields) {
      if (h.type === f && h[f] === undefined) return `${hp}.${f} is required when header.type is ${f}`;
      if (h.type !== f && h[f] !== undefined) return `${hp}.${f} is not allowed when header.type is ${h.type}`;
    }
    if (h.type !== 'text' && h.text !== undefined) return `${hp}.text is only allowed when header.type is text`;
    for (const f of mediaFields) {
      const p = mediaSourceProblem(h[f], `${hp}.${f}`);
      if (p) return p;
    }
  }
  if (type === 'carousel' && i.footer) return `${path}.footer is not allowed in carousel messages`;

  if (type === 'button') {
    const buttons = i.action!.buttons ?? [];
    const titles = new Set<string>();
    const ids = new Set<string>();
    for (const [n, b] of buttons.entries()) {
      const title = (b.reply?.title ?? '').trim().toLowerCase();
      if (titles.has(title)) return `${a}.buttons[${n}].reply.title must be unique among the buttons`;
      titles.add(title);
      if (ids.has(b.reply?.id ?? '')) return `${a}.buttons[${n}].reply.id must be unique among the buttons`;
      ids.add(b.reply?.id ?? '');
    }
  }

  if (type === 'list') {
    const sections = i.action!.sections ?? [];
    const total = sections.reduce((n, s) => n + (s.rows?.length ?? 0), 0);
    if (total > 10) return `${a}.sections may hold at most 10 rows in total (got ${total})`;
    if (sections.length > 1) {
      const untitled = sections.findIndex((s) => !s.title);
      if (untitled !== -1) return `${a}.sections[${untitled}].title is required when there are several sections`;
    }
    const ids = new Set<string>();
    for (const [si, s] of sections.entries())
      for (const [ri, r] of (s.rows ?? []).entries()) {
        if (ids.has(r.id ?? '')) return `${a}.sections[${si}].rows[${ri}].id must be unique across the list`;
        ids.add(r.id ?? '');
      }
  }

  if (type === 'carousel') {
    const cards = i.action!.cards ?? [];
    const headerType = cards[0]?.header?.type;
    for (const [n, c] of cards.entries()) {
      const cp = `${a}.cards[${n}]`;
      if (c.card_index !== n) return `${cp}.card_index must be ${n} (cards are numbered from 0 in order)`;
      if (c.header?.type !== headerType) return `${cp}.header.type must be ${headerType}: every card uses the same header type`;
      const media = headerType === 'video' ? c.header?.video : c.header?.image;
      if (media === undefined) return `${cp}.header.${headerType} is required`;
      const other = headerType === 'video' ? c.header?.image : c.header?.video;
      if (other !== undefined) return `${cp}.header carries only its ${headerType}`;
      const p = mediaSourceProblem(media, `${cp}.header.${headerType}`);
      if (p) return p;
      if ((c.body?.text?.length ?? 0) > 160) return `${cp}.body.text must be at most 160 characters`;
    }
  }
  return undefined;
}
