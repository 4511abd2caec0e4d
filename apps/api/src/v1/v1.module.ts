import { Module } from '@nestjs/common';
import { HttpModule } from '../http/http.module.js';
import { ApiKeysController } from './api-keys.controller.js';
import { MeController } from './me.controller.js';

/**
 * Every /v1 REST controller. Feature engineers add their domain module to `imports` and their controllers to
 * `controllers` (one line each).
 */
@Module({
  imports: [HttpModule],
  controllers: [MeController, ApiKeysController],
})
export class V1Module {}
