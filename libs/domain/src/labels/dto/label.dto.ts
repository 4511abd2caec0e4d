import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const LABEL_COLORS = ['gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'indigo', 'purple', 'pink'] as const;
export type LabelColor = (typeof LABEL_COLORS)[number];

export class CreateLabelDto {
  @ApiProperty({ description: 'Unique within the organization (case-insensitive), 1-50 characters.', maxLength: 50 })
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional({ description: 'One of the fixed palette colors.', enum: LABEL_COLORS, default: 'gray' })
  @IsOptional()
  @IsIn(LABEL_COLORS)
  color?: LabelColor;
}

export class UpdateLabelDto {
  @ApiPropertyOptional({ description: 'New name, unique within the organization.', maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ description: 'New palette color.', enum: LABEL_COLORS })
  @IsOptional()
  @IsIn(LABEL_COLORS)
  color?: LabelColor;
}

export class BulkLabelContactsDto {
  @ApiProperty({ description: 'Contact ids (ctc_…), at most 1,000 per call.', type: [String], maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  contact_ids: string[];
}
