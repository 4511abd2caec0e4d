import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of the Socket.IO `subscribe` and `unsubscribe` messages: exactly one of the two fields. */
export class RealtimeSubscriptionDto {
  @ApiPropertyOptional({ description: 'A conversation of your organization (`cnv_…`).', example: 'cnv_01jbz8x6d3m4q5r6s7t8v9w0xy' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  conversation_id?: string;

  @ApiPropertyOptional({
    description: "A connected phone number of your organization: our `pn_…` id or Meta's numeric phone_number_id.",
    example: '106540352242922',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone_number_id?: string;
}
