import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

/** `GET /v1/templates` (and the list_templates tool). */
export class ListTemplatesDto extends PageQueryDto {
  @ApiProperty({ description: "Only templates usable by this number (its WABA's): our pn_… id or Meta's numeric id.", required: false })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiProperty({
    description: 'Only templates in this status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, DELETED… Deleted templates are listed only when asked for.',
    required: false,
    example: 'APPROVED',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z_]{2,32}$/, { message: 'status must be a template status such as APPROVED' })
  status?: string;

  @ApiProperty({ description: 'Only templates whose name contains this text (case-insensitive).', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  name?: string;
}
