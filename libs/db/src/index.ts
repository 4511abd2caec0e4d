export * from './prisma.service.js';
export * from './db.module.js';
export * from './pg-config.js';
export * from './migrator.js';
export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
