import type { Template } from '#db';
import { parameterSpec, summarizeParameters, type StoredComponent } from './template-parameters.js';

/**
 * The wire shape of a template (REST, MCP, `template.status_updated` events). `parameters` tells a sender what a
 * send must carry, so neither a person nor an assistant has to read the components to get it right.
 */
export function presentTemplate(t: Template, phoneNumberIds: string[] = []) {
  const components = (Array.isArray(t.components) ? t.components : []) as StoredComponent[];
  return {
    object: 'template' as const,
    id: t.id,
    waba_id: t.wabaId,
    // Templates belong to a WABA; these are the organization's connected numbers that can send it.
    phone_number_ids: phoneNumberIds,
    meta_template_id: t.metaTemplateId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    parameter_format: t.parameterFormat,
    components,
    parameters: summarizeParameters(parameterSpec(components, t.parameterFormat)),
    rejected_reason: t.rejectedReason,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
