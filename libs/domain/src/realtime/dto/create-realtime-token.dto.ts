import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class CreateRealtimeTokenDto {
  @ApiPropertyOptional({
    description:
      'Lifetime of the token in seconds (60 to 3600, default 600). The token only needs to live until the browser ' +
      'connects; an open connection stays up after the token expires.',
    minimum: 60,
    maximum: 3600,
    default: 600,
    example: 600,
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(3600)
  ttl_seconds?: number;
}
