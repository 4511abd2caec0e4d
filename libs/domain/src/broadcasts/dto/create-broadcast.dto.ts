import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { TemplateBodyDto } from '../../messages/dto/template-body.dto.js';

/** `POST /v1/broadcasts`: a draft; recipients are added next, then it is sent. */
export class CreateBroadcastDto {
  @ApiProperty({
    description: 'A name people recognise the broadcast by, 1-200 characters.',
    example: 'Spring sale, Jakarta',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional({
    description: "The sending number: our pn_… id or Meta's numeric id. Optional when the organization has one number.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;

  @ApiProperty({
    description:
      "The APPROVED template every recipient gets: name, language and optional default components. A recipient's own " +
      'components (or parameters) replace the default component they fill (header, body, button n).',
    type: () => TemplateBodyDto,
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => TemplateBodyDto)
  template: TemplateBodyDto;
}
