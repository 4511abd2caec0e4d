import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;
export const MAX_GRACE_PERIOD_SECONDS = 7 * 86_400;

export class RotateWebhookSecretDto {
  @ApiPropertyOptional({
    description:
      'How long the previous secret keeps signing alongside the new one (both signatures are sent), 0 to 604800 seconds. 0 retires it at once.',
    default: DEFAULT_GRACE_PERIOD_SECONDS,
    minimum: 0,
    maximum: MAX_GRACE_PERIOD_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_PERIOD_SECONDS)
  grace_period_seconds?: number;
}
