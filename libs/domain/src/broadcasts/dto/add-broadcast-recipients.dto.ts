import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { TemplateComponentDto } from '../../messages/dto/template-body.dto.js';
import { isParametersShorthand, MAX_RECIPIENTS_PER_CALL } from '../broadcast-rules.js';

export class BroadcastRecipientDto {
  @ApiProperty({
    description: 'E.164 number, with or without +. An invalid number is reported, not fatal to the call.',
    example: '+6281234567890',
  })
  @IsString()
  @MaxLength(40)
  to: string;

  @ApiPropertyOptional({
    description: "This recipient's template components; each replaces the broadcast's default for the same part.",
    type: () => [TemplateComponentDto],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TemplateComponentDto)
  components?: TemplateComponentDto[];

  @ApiPropertyOptional({
    description:
      'Shorthand for the body parameters: ["Budi", "A-1"] for POSITIONAL templates, {"customer_name": "Budi"} for NAMED ones.',
    oneOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'object', additionalProperties: { type: 'string' } },
    ],
  })
  @IsOptional()
  @ValidateBy({
    name: 'isParametersShorthand',
    validator: {
      validate: (v: unknown) => isParametersShorthand(v),
      defaultMessage: () =>
        'parameters must be an array of strings or an object of lowercase names to strings (at most 100)',
    },
  })
  parameters?: string[] | Record<string, string>;
}

/** `POST /v1/broadcasts/{id}/recipients`: up to 1,000 per call, while the broadcast is a draft. */
export class AddBroadcastRecipientsDto {
  @ApiProperty({
    description: `Recipients, 1-${MAX_RECIPIENTS_PER_CALL} per call. Duplicates and invalid entries are reported per index.`,
    type: () => [BroadcastRecipientDto],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECIPIENTS_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => BroadcastRecipientDto)
  recipients: BroadcastRecipientDto[];
}
