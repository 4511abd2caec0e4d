import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { dtoToJsonSchema } from './dto-json-schema.js';

class ButtonDto {
  @ApiProperty({ description: 'Reply id echoed back when tapped.' })
  @IsString()
  id: string;
}

class BodyDto {
  @ApiProperty({ description: 'Message text.', example: 'Hello' })
  @IsString()
  @MaxLength(4096)
  body: string;

  @ApiPropertyOptional({ description: 'Buttons shown under the text.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  buttons?: ButtonDto[];
}

class SendDto {
  @ApiProperty({ description: 'Recipient in E.164.' })
  @IsString()
  to: string;

  @ApiProperty({ description: 'Kind of message.', enum: ['text'] })
  @IsIn(['text'])
  type: string;

  @ApiPropertyOptional({ description: 'The text payload.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BodyDto)
  text?: BodyDto;

  @ApiPropertyOptional({ description: 'Page size.', default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

class SendWithIdDto extends SendDto {
  @ApiProperty({ description: 'Conversation id.' })
  @IsString()
  conversation_id: string;
}

describe('dtoToJsonSchema', () => {
  it('derives types, constraints, required fields and descriptions from the DTO', () => {
    const schema = dtoToJsonSchema(SendDto);
    expect(schema).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['to', 'type'],
      properties: {
        to: { type: 'string', description: 'Recipient in E.164.' },
        type: { type: 'string', enum: ['text'], description: 'Kind of message.' },
        limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Page size.', default: 20 },
        text: {
          type: 'object',
          additionalProperties: false,
          required: ['body'],
          description: 'The text payload.',
          properties: {
            body: { type: 'string', maxLength: 4096, description: 'Message text.', examples: ['Hello'] },
            buttons: {
              type: 'array',
              description: 'Buttons shown under the text.',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['id'],
                properties: { id: { type: 'string', description: 'Reply id echoed back when tapped.' } },
              },
            },
          },
        },
      },
    });
  });

  it('includes inherited fields of a subclass (MCP-side wrappers of REST DTOs)', () => {
    const schema = dtoToJsonSchema(SendWithIdDto);
    expect(Object.keys(schema.properties as object).sort()).toEqual(['conversation_id', 'limit', 'text', 'to', 'type']);
    expect(schema.required).toEqual(expect.arrayContaining(['to', 'type', 'conversation_id']));
  });

  it('types custom-validated and nullable properties from their declaration and @ApiProperty', () => {
    const IsFlat = () => (target: object, propertyName: string) =>
      registerDecorator({
        name: 'isFlat',
        target: target.constructor,
        propertyName,
        validator: { validate: () => true },
      });
    class Patch {
      @ApiPropertyOptional({ description: 'null clears it.', nullable: true })
      @IsOptional()
      @IsString()
      name?: string | null;

      @ApiPropertyOptional({ description: 'Flat data.', type: 'object', additionalProperties: true })
      @IsOptional()
      @IsFlat()
      metadata?: Record<string, string>;
    }
    expect(dtoToJsonSchema(Patch).properties).toEqual({
      name: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'null clears it.' },
      metadata: { type: 'object', additionalProperties: true, description: 'Flat data.' },
    });
  });

  it('refuses a nested property without @Type', () => {
    class Bad {
      @ValidateNested()
      inner: object;
    }
    expect(() => dtoToJsonSchema(Bad)).toThrow(/@Type/);
  });
});
