import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

/** A JSON Schema object (the subset our DTOs produce). */
export type JsonSchema = { [key: string]: unknown };

type Ctor = abstract new (...args: never[]) => object;

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
/** Fields of @ApiProperty that mean the same thing in JSON Schema and help a model fill the argument. */
const SWAGGER_FIELDS = ['description', 'default', 'example', 'deprecated', 'format'] as const;

/**
 * The MCP `inputSchema` of a DTO class, derived from the very metadata that validates it (class-validator) and
 * documents it (@ApiProperty descriptions): the REST contract and the tool contract cannot drift. Nested DTOs
 * are inlined so the schema is self-contained (several MCP clients do not resolve `$ref`). Run once at boot.
 */
export function dtoToJsonSchema(cls: Ctor): JsonSchema {
  return objectSchema(cls, []);
}

function objectSchema(cls: Ctor, stack: Ctor[]): JsonSchema {
  if (stack.includes(cls)) throw new Error(`DTO ${cls.name} is recursive; MCP input schemas must be finite`);
  const path = [...stack, cls];
  const raw = targetConstructorToSchema(cls as unknown as () => void, {
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      [ValidationTypes.NESTED_VALIDATION]: (meta) =>
        objectSchema(nestedType(meta.target as Ctor, meta.propertyName), path),
      // Custom validators say nothing about shape; the property's declared type does (the library would emit a
      // dangling $ref to "Object" for a Record).
      [ValidationTypes.CUSTOM_VALIDATION]: (meta) => designTypeSchema(meta.target as Ctor, meta.propertyName),
      // "not null" under @ValidateIf only restates the type; `required` is derived separately.
      [ValidationTypes.IS_DEFINED]: {},
    },
  }) as JsonSchema;
  const properties = (raw.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, schema] of Object.entries(properties)) properties[name] = withSwagger(cls, name, schema);
  const schema: JsonSchema = { type: 'object', properties };
  if (Array.isArray(raw.required) && raw.required.length) schema.required = raw.required;
  // The validation forbids unknown properties at every level (forbidNonWhitelisted); say so up front.
  schema.additionalProperties = false;
  return schema;
}

function nestedType(target: Ctor, property: string): Ctor {
  const typeMeta = defaultMetadataStorage.findTypeMetadata(target as unknown as () => void, property);
  const type = (typeMeta?.typeFunction() ?? Reflect.getMetadata('design:type', target.prototype, property)) as
    Ctor | undefined;
  if (!type || type === (Array as unknown) || type === (Object as unknown))
    throw new Error(
      `${target.name}.${property} is @ValidateNested without @Type(() => Class): its schema cannot be derived`,
    );
  return type;
}

function designTypeSchema(target: Ctor, property: string): JsonSchema {
  const type = Reflect.getMetadata('design:type', target.prototype, property) as unknown;
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array' };
  if (type === Object) return { type: 'object' };
  return {};
}

function withSwagger(cls: Ctor, property: string, schema: JsonSchema): JsonSchema {
  const meta = Reflect.getMetadata(SWAGGER_PROPERTY, cls.prototype, property) as Record<string, unknown> | undefined;
  if (!meta) return schema;
  const out: JsonSchema = { ...schema };
  for (const field of SWAGGER_FIELDS) {
    const value = meta[field];
    if (value === undefined || value === null || value === false) continue;
    if (field === 'example') out.examples = [value];
    else if (!(field in out)) out[field] = value;
  }
  if (meta.enum && !out.enum && !(out.items as JsonSchema | undefined)?.enum) out.enum = meta.enum;
  if (out.type === undefined && typeof meta.type === 'string' && meta.type !== 'array') out.type = meta.type;
  if (out.type === 'object' && meta.additionalProperties !== undefined && !('properties' in out))
    out.additionalProperties = meta.additionalProperties;
  // IsOptional lets null through validation; say so where the DTO documents null as meaningful ("null clears it").
  // anyOf rather than `type: [t, "null"]`: clients that map schemas onto a one-type dialect (Gemini) accept it.
  if (meta.nullable === true && typeof out.type === 'string') {
    const { description, default: dflt, examples, deprecated, ...shape } = out;
    return { anyOf: [shape, { type: 'null' }], ...defined({ description, default: dflt, examples, deprecated }) };
  }
  return out;
}

function defined(o: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
