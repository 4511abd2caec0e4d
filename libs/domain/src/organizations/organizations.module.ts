import { Module } from '@nestjs/common';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

/** Organizations and their API keys (keys cannot exist without an organization; one module keeps DI simple). */
@Module({
  providers: [OrganizationsRepository, OrganizationsService, ApiKeysRepository, ApiKeysService],
  exports: [OrganizationsService, ApiKeysService],
})
export class OrganizationsModule {}
