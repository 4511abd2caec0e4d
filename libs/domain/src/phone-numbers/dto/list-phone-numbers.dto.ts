import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';

export const PHONE_NUMBER_STATUSES = ['active', 'paused', 'disconnected'] as const;

/** `GET /v1/phone_numbers`. */
export class ListPhoneNumbersDto extends PageQueryDto {
  @ApiProperty({ description: 'Only numbers in this status.', required: false, enum: PHONE_NUMBER_STATUSES })
  @IsOptional()
  @IsIn(PHONE_NUMBER_STATUSES)
  status?: (typeof PHONE_NUMBER_STATUSES)[number];
}
