import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateContactNoteDto {
  @ApiProperty({ description: 'The note, visible to your team only (never sent to the contact).', example: 'Prefers delivery after 5 pm.' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  body: string;
}
